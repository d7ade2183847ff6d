// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} syntax is what these tests expect in messages
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../demo-token.ts';
import { composeVersion, isRecentCompose } from '../engine/tools.ts';
import type { ComposeModel, ComposeService } from './compose-model.ts';
import { checkRules, type DeployFacts, documentedVariables } from './rules.ts';

/**
 * A small deployment, shaped as `docker compose config --format json` prints it, that passes
 * every rule; each test breaks one thing and expects exactly that rule to name it.
 */
const HEALTH = { test: ['CMD', 'node', 'deploy/healthcheck.ts'] };
const NEEDS_REDIS = { redis: { condition: 'service_healthy' } };
const NEEDS_REDIS_AND_POSTGRES = { ...NEEDS_REDIS, postgres: { condition: 'service_healthy' } };
const DATABASE_URL = 'postgres://wdtk3:demo-pw@postgres:5432/ledger';

const SERVICES: Record<string, ComposeService> = {
  redis: {
    image: 'redis:7.4-alpine',
    command: [
      'redis-server',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ],
    volumes: [{ type: 'volume', source: 'redis-data', target: '/data' }],
    healthcheck: { test: ['CMD-SHELL', 'redis-cli ping'] },
  },
  loader: {
    image: 'wdt-k3-sync:local',
    build: { context: '/repo', dockerfile: 'Dockerfile' },
    command: ['node', 'services/loader/src/main.ts'],
    environment: { REDIS_URL: 'redis://redis:6379', K3_BASE_URL: 'http://k3cloud-sim:4102/k3cloud/' },
    depends_on: NEEDS_REDIS,
    healthcheck: HEALTH,
  },
  admin: {
    image: 'wdt-k3-sync:local',
    pull_policy: 'never',
    command: ['node', '--import', './deploy/refuse-demo-token.ts', 'services/admin/src/main.ts'],
    environment: { REDIS_URL: 'redis://redis:6379', ADMIN_TOKENS: `demo:full:${DEMO_ADMIN_TOKEN}` },
    ports: [{ target: 4100, published: '4100' }],
    depends_on: NEEDS_REDIS,
    healthcheck: HEALTH,
  },
  postgres: {
    image: 'postgres:18-bookworm',
    environment: { POSTGRES_USER: 'wdtk3', POSTGRES_PASSWORD: 'demo-pw', POSTGRES_DB: 'ledger' },
    volumes: [{ type: 'volume', source: 'postgres-data', target: '/var/lib/postgresql' }],
    healthcheck: { test: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER}"'] },
  },
  ledger: {
    image: 'wdt-k3-sync:local',
    pull_policy: 'never',
    command: ['node', 'services/ledger/src/main.ts'],
    environment: { REDIS_URL: 'redis://redis:6379', DATABASE_URL: DATABASE_URL },
    depends_on: NEEDS_REDIS_AND_POSTGRES,
    healthcheck: HEALTH,
  },
  'k3cloud-sim': {
    image: 'wdt-k3-sync:local',
    pull_policy: 'never',
    profiles: ['demo'],
    command: ['node', 'services/k3cloud-sim/src/main.ts'],
    environment: { K3_SIM_PORT: '4102' },
    healthcheck: HEALTH,
  },
};

const DOCKERFILE = `# One image.
ARG NODE_IMAGE=node:24-bookworm-slim
FROM \${NODE_IMAGE} AS pnpm
ARG PNPM_VERSION=12.4.2
FROM pnpm AS build
RUN pnpm install --offline --frozen-lockfile --prod \\
      --filter-prod '{./services/loader}...' --filter-prod '{./services/admin}...' \\
      --filter-prod '{./services/ledger}...' --filter-prod '{./services/k3cloud-sim}...'
FROM \${NODE_IMAGE} AS runtime
`;

const FACTS: DeployFacts = {
  compose: { services: SERVICES },
  variables: ['REDIS_URL', 'ADMIN_TOKENS'],
  envExample: '# REDIS_URL=redis://redis:6379\nADMIN_TOKENS=\n# NODE_IMAGE=node:24\nK3_BASE_URL=\n',
  dockerfile: DOCKERFILE,
  dockerignore: '# allow-list\n*\n!package.json\n!services/\n**/node_modules\n**/.env\n',
  packageManager: 'pnpm@12.4.2',
  configKeys: {
    loader: new Set(['REDIS_URL', 'K3_BASE_URL']),
    admin: new Set(['REDIS_URL', 'ADMIN_TOKENS', 'DATABASE_URL']),
    ledger: new Set(['REDIS_URL', 'DATABASE_URL']),
    'k3cloud-sim': new Set(['K3_SIM_PORT']),
  },
};

function withService(name: string, change: Partial<ComposeService> | undefined): ComposeModel {
  const services = { ...SERVICES };
  if (change === undefined) delete services[name];
  else services[name] = { ...(SERVICES[name] as ComposeService), ...change };
  return { services };
}

/** The rules that fail for `facts`, with their problems. */
function broken(facts: Partial<DeployFacts>): Record<string, readonly string[]> {
  return Object.fromEntries(
    checkRules({ ...FACTS, ...facts })
      .filter((result) => result.problems.length > 0)
      .map((result) => [result.id, result.problems]),
  );
}

describe('the deploy rules', () => {
  it('all hold for the sample deployment', () => {
    expect(broken({})).toEqual({});
  });

  it.each([
    ['--maxmemory-policy', 'allkeys-lru', 'lacks --maxmemory-policy noeviction'],
    ['--appendonly', 'no', 'lacks --appendonly yes'],
  ])('redis-durable: %s %s', (flag, value, problem) => {
    const command = (SERVICES.redis?.command ?? []).map((word, i, all) =>
      all[i - 1] === flag ? value : word,
    );
    expect(broken({ compose: withService('redis', { command }) })).toEqual({
      'redis-durable': [`redis: command ${problem}`],
    });
  });

  it('redis-durable: the AOF must live on a named volume', () => {
    expect(broken({ compose: withService('redis', { volumes: [] }) })).toEqual({
      'redis-durable': ['redis: no named volume at /data, so the AOF dies with the container'],
    });
  });

  it('scalable: no container_name, no host port on a loader', () => {
    expect(
      broken({
        compose: withService('loader', {
          container_name: 'loader',
          ports: [{ target: 9102, published: '9102' }],
        }),
      }),
    ).toEqual({
      scalable: [
        'loader: container_name is set',
        'loader: publishes a host port, so a second replica would collide',
      ],
    });
  });

  it("env-keys-read: a key the service's config.ts does not read", () => {
    const environment = { ...SERVICES.loader?.environment, K3_BASE_ULR: 'typo' };
    expect(broken({ compose: withService('loader', { environment }) })).toEqual({
      'env-keys-read': ['loader: sets K3_BASE_ULR, which services/loader/src/config.ts does not read'],
    });
  });

  it('env-keys-read: NODE_OPTIONS is read by Node itself', () => {
    const environment = { ...SERVICES.loader?.environment, NODE_OPTIONS: '--max-old-space-size=128' };
    expect(broken({ compose: withService('loader', { environment }) })).toEqual({});
  });

  it('env-example-complete: both directions', () => {
    expect(
      broken({
        variables: [...FACTS.variables, 'LOADER_PUBLISH'],
        envExample: `${FACTS.envExample}# STALE=1\n`,
      }),
    ).toEqual({
      'env-example-complete': [
        'docker-compose.yml uses ${LOADER_PUBLISH}, which .env.example does not document',
        '.env.example documents STALE, which neither compose, the Dockerfile nor any service reads',
      ],
    });
  });

  it('one-build: one build: for every Node service', () => {
    const twice = withService('admin', { build: { context: '/repo' } });
    expect(broken({ compose: twice })['one-build']).toEqual([
      '2 services have build: (loader, admin); want exactly one',
    ]);
    expect(broken({ compose: withService('admin', { image: 'other:1' }) })['one-build']).toEqual([
      "admin: runs image other:1, not loader's wdt-k3-sync:local",
    ]);
    expect(broken({ compose: withService('admin', { pull_policy: 'missing' }) })['one-build']).toEqual([
      'admin: pull_policy is missing, not never',
    ]);
  });

  it('healthchecks: every service, including one added later', () => {
    const model = { services: { ...SERVICES, prometheus: { image: 'prom/prometheus:v3' } } };
    expect(broken({ compose: model })).toEqual({
      healthchecks: ['prometheus: no healthcheck in docker-compose.yml'],
    });
  });

  it('postgres-durable: the data on a named volume where 18+ images keep it, probed by pg_isready', () => {
    const old = withService('postgres', {
      volumes: [{ type: 'volume', source: 'postgres-data', target: '/var/lib/postgresql/data' }],
      healthcheck: { test: ['CMD-SHELL', 'nc -z 127.0.0.1 5432'] },
    });
    expect(broken({ compose: old })).toEqual({
      'postgres-durable': [
        'postgres: no named volume at /var/lib/postgresql, so the ledger dies with the container',
        'postgres: the healthcheck does not run pg_isready',
      ],
    });
  });

  it('postgres-durable: only for a database some DATABASE_URL points at', () => {
    const elsewhere = withService('ledger', {
      environment: { REDIS_URL: 'redis://redis:6379', DATABASE_URL: 'postgres://u:p@db.example.com/ledger' },
      depends_on: NEEDS_REDIS,
    });
    const model = {
      services: { ...elsewhere.services, postgres: { image: 'postgres:18', healthcheck: HEALTH } },
    };
    expect(broken({ compose: model })).toEqual({});
  });

  it('postgres-first: waits for a healthy PostgreSQL, with the credentials it was created with', () => {
    const early = withService('ledger', {
      depends_on: { ...NEEDS_REDIS, postgres: { condition: 'service_started' } },
    });
    expect(broken({ compose: early })).toEqual({
      'postgres-first': [
        'ledger: its DATABASE_URL points at postgres but it does not wait for postgres to be healthy',
      ],
    });
    const drifted = withService('ledger', {
      environment: {
        REDIS_URL: 'redis://redis:6379',
        DATABASE_URL: 'postgres://wdtk3:other@postgres:5432/wdtk3',
      },
    });
    expect(broken({ compose: drifted })).toEqual({
      'postgres-first': [
        "ledger: DATABASE_URL's password is not postgres's POSTGRES_PASSWORD",
        "ledger: DATABASE_URL's database is not postgres's POSTGRES_DB",
      ],
    });
  });

  it('postgres-private: no host port on the database', () => {
    const published = withService('postgres', { ports: [{ target: 5432, published: '5432' }] });
    expect(broken({ compose: published })).toEqual({
      'postgres-private': ['postgres: publishes a host port'],
    });
  });

  it('redis-first: a service reading REDIS_URL waits for a healthy Redis', () => {
    expect(
      broken({ compose: withService('loader', { depends_on: { redis: { condition: 'service_started' } } }) }),
    ).toEqual({
      'redis-first': ['loader: reads REDIS_URL but does not wait for redis to be healthy'],
    });
  });

  it('profiles: simulators only under demo, nothing in production depends on them', () => {
    const model = withService('k3cloud-sim', { profiles: [] });
    expect(broken({ compose: model }).profiles).toEqual([
      'k3cloud-sim: a simulator must run only under demo',
    ]);
    const leaning = withService('loader', {
      depends_on: { ...NEEDS_REDIS, 'k3cloud-sim': { condition: 'service_healthy' } },
    });
    expect(broken({ compose: leaning }).profiles).toEqual([
      'loader: runs without a profile but depends on k3cloud-sim, which has one',
    ]);
  });

  it('demo-token-guarded: the demo token only with the preload, never another default', () => {
    const unguarded = withService('admin', { command: ['node', 'services/admin/src/main.ts'] });
    expect(broken({ compose: unguarded })['demo-token-guarded']).toEqual([
      'admin: falls back to the demo token without preloading deploy/refuse-demo-token.ts',
    ]);
    const secret = withService('admin', {
      environment: {
        REDIS_URL: 'redis://redis:6379',
        ADMIN_TOKENS: 'ops:full:a-real-secret-token-0123456789abcdef',
      },
    });
    expect(broken({ compose: secret })['demo-token-guarded']).toEqual([
      'admin: ADMIN_TOKENS defaults to a token that is not the demo one',
    ]);
  });

  it("image-installs: every service a container runs is in the image's install", () => {
    const dockerfile = DOCKERFILE.replace(" --filter-prod '{./services/ledger}...'", '');
    expect(broken({ dockerfile })).toEqual({
      'image-installs': [
        "ledger: runs services/ledger, which the Dockerfile's install does not name (--filter-prod '{./services/ledger}...')",
      ],
    });
  });

  it('dockerfile-no-hub: no syntax directive, base images from an ARG', () => {
    const dockerfile = `# syntax=docker/dockerfile:1\n${DOCKERFILE}FROM node:24 AS extra\n`;
    expect(broken({ dockerfile })).toEqual({
      'dockerfile-no-hub': [
        'Dockerfile: a # syntax= directive makes BuildKit pull its frontend from Docker Hub',
        'Dockerfile: FROM node:24 is neither an ARG (a mirror cannot replace it) nor an earlier stage',
      ],
    });
  });

  it('pnpm-pinned: the image installs the packageManager pnpm', () => {
    expect(broken({ packageManager: 'pnpm@12.5.0' })).toEqual({
      'pnpm-pinned': ['Dockerfile PNPM_VERSION 12.4.2 ≠ packageManager 12.5.0'],
    });
  });

  it('context-allow-list: an allow-list that never lets .env or node_modules in', () => {
    expect(broken({ dockerignore: '!.env\n**/node_modules\n' })).toEqual({
      'context-allow-list': [
        '.dockerignore: must start with `*` (an allow-list)',
        '.dockerignore: !.env lets it in',
        '.dockerignore: lacks **/.env inside the allowed folders',
      ],
    });
  });
});

describe('documentedVariables', () => {
  it('reads set and commented-out entries, not prose', () => {
    expect([
      ...documentedVariables('# Tag of the image (default: local).\n# TAG=local\nSECRET=\n  # X_Y=1\n'),
    ]).toEqual(['TAG', 'SECRET', 'X_Y']);
  });
});

describe('composeVersion', () => {
  it.each([
    ['2.26.1-4', true],
    ['v2.24.0', true],
    ['2.23.3', false],
    ['1.29.2', false],
    ['docker-compose version 1.29.2, build unknown', false],
  ])('%s is recent enough: %s', (text, recent) => {
    expect(isRecentCompose(composeVersion(text))).toBe(recent);
  });
});
