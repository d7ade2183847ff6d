/**
 * The deploy rules only this project knows, over what Compose itself resolved
 * (`docker compose --profile '*' config`, no .env) and a few repository texts. Compose's own
 * validation, the real image build and the deploy tier's run on a real engine cover the rest
 * (schema, interpolation, COPY sources, entry points, demo wiring). To add a rule, append one
 * `{ id, why, check }` to RULES; a new service is covered by the generic ones.
 */
import { usesDemoToken } from '../demo-token.ts';
import {
  type ComposeModel,
  type ComposeService,
  databaseLinks,
  environmentOf,
  flagPairs,
  redisServices,
  workspaceServiceOf,
} from './compose-model.ts';

export interface DeployFacts {
  readonly compose: ComposeModel;
  /** Every variable docker-compose.yml interpolates (`docker compose config --variables`). */
  readonly variables: readonly string[];
  readonly envExample: string;
  readonly dockerfile: string;
  readonly dockerignore: string;
  readonly packageManager: string | undefined;
  /** The env keys each workspace service's config.ts reads, by `services/<name>`. */
  readonly configKeys: Readonly<Record<string, ReadonlySet<string>>>;
}

export interface Rule {
  readonly id: string;
  readonly why: string;
  check(facts: DeployFacts): string[];
}

/** Workspace services run as replicas: no fixed container name, no host port. */
const SCALABLE = new Set(['loader', 'extractor']);
const SIMULATORS = new Set(['wdt-sim', 'k3cloud-sim', 'robot-sim']);

const services = (facts: DeployFacts): [string, ComposeService][] => Object.entries(facts.compose.services);

/** Names `.env.example` documents: `NAME=…` lines, set or commented out (`# NAME=…`). */
export function documentedVariables(envExample: string): Set<string> {
  return new Set([...envExample.matchAll(/^[ \t]*#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ''));
}

const redisDurable: Rule = {
  id: 'redis-durable',
  why: 'BullMQ needs noeviction (an evicted lock breaks jobs) and AOF everysec on a volume, or a restart loses queued jobs',
  check: (facts) => {
    const names = redisServices(facts.compose);
    if (names.length === 0) return ['no service runs redis-server'];
    return names.flatMap((name) => {
      const service = facts.compose.services[name] as ComposeService;
      const flags = flagPairs(service.command);
      const wanted = ['--maxmemory-policy noeviction', '--appendonly yes', '--appendfsync everysec'];
      const onVolume = (service.volumes ?? []).some((v) => v.type === 'volume' && v.target === '/data');
      return [
        ...wanted.filter((flag) => !flags.has(flag)).map((flag) => `${name}: command lacks ${flag}`),
        ...(onVolume ? [] : [`${name}: no named volume at /data, so the AOF dies with the container`]),
      ];
    });
  },
};

/** The services some DATABASE_URL points at: the bundled PostgreSQL. */
const databaseServers = (facts: DeployFacts): string[] => [
  ...new Set(databaseLinks(facts.compose).map((link) => link.server)),
];

const postgresDurable: Rule = {
  id: 'postgres-durable',
  why: 'the ledger is the one copy of every order’s history (the stream is trimmed once projected): its data must be on a named volume',
  check: (facts) =>
    databaseServers(facts).flatMap((name) => {
      const service = facts.compose.services[name] as ComposeService;
      // PostgreSQL 18+ images keep PGDATA in /var/lib/postgresql/<major>/docker and declare the
      // VOLUME /var/lib/postgresql; a mount at the old /var/lib/postgresql/data is left unused and
      // the data goes to an anonymous volume that the next `up` after `down` does not reattach.
      const onVolume = (service.volumes ?? []).some(
        (v) => v.type === 'volume' && v.target === '/var/lib/postgresql',
      );
      const probe = (service.healthcheck?.test ?? []).join(' ');
      return [
        ...(onVolume
          ? []
          : [`${name}: no named volume at /var/lib/postgresql, so the ledger dies with the container`]),
        ...(probe.includes('pg_isready') ? [] : [`${name}: the healthcheck does not run pg_isready`]),
      ];
    }),
};

const postgresFirst: Rule = {
  id: 'postgres-first',
  why: 'a service with DATABASE_URL must find PostgreSQL accepting connections, with the credentials it was initialised with',
  check: (facts) =>
    databaseLinks(facts.compose).flatMap(({ client, server, url }) => {
      const service = facts.compose.services[client] as ComposeService;
      const env = environmentOf(facts.compose.services[server] as ComposeService);
      const user = env.POSTGRES_USER || 'postgres';
      const expected = {
        user,
        password: env.POSTGRES_PASSWORD ?? '',
        database: env.POSTGRES_DB || user,
      };
      const actual = {
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: decodeURIComponent(url.pathname.replace(/^\//, '')),
      };
      const differ = (['user', 'password', 'database'] as const).filter((k) => expected[k] !== actual[k]);
      return [
        ...(service.depends_on?.[server]?.condition === 'service_healthy'
          ? []
          : [
              `${client}: its DATABASE_URL points at ${server} but it does not wait for ${server} to be healthy`,
            ]),
        ...differ.map(
          (k) =>
            `${client}: DATABASE_URL's ${k} is not ${server}'s POSTGRES_${k === 'database' ? 'DB' : k.toUpperCase()}`,
        ),
      ];
    }),
};

const postgresPrivate: Rule = {
  id: 'postgres-private',
  why: 'the demo PostgreSQL password is published in this repository: the database is reached from the compose network only',
  check: (facts) =>
    databaseServers(facts)
      .filter((name) => (facts.compose.services[name]?.ports ?? []).length > 0)
      .map((name) => `${name}: publishes a host port`),
};

const scalable: Rule = {
  id: 'scalable',
  why: '`--scale loader=N` needs services without a fixed container name or host port',
  check: (facts) =>
    services(facts).flatMap(([name, service]) => [
      ...(service.container_name === undefined ? [] : [`${name}: container_name is set`]),
      ...(SCALABLE.has(workspaceServiceOf(service) ?? '') && (service.ports ?? []).length > 0
        ? [`${name}: publishes a host port, so a second replica would collide`]
        : []),
    ]),
};

/** Keys Node.js itself reads from a service's environment, not its config.ts. */
const NODE_READS: ReadonlySet<string> = new Set(['NODE_OPTIONS']);

const envKeysRead: Rule = {
  id: 'env-keys-read',
  why: 'an environment key no config.ts reads is a typo or a dead setting, silently ignored',
  check: (facts) =>
    services(facts).flatMap(([name, service]) => {
      const workspace = workspaceServiceOf(service);
      if (workspace === undefined) return [];
      const keys = facts.configKeys[workspace];
      if (keys === undefined) return [`${name}: runs services/${workspace}, which has no config.ts to read`];
      return Object.keys(service.environment ?? {})
        .filter((key) => !keys.has(key) && !NODE_READS.has(key))
        .map((key) => `${name}: sets ${key}, which services/${workspace}/src/config.ts does not read`);
    }),
};

const envExampleComplete: Rule = {
  id: 'env-example-complete',
  why: '.env.example is the one list of settings an operator reads',
  check: (facts) => {
    const documented = documentedVariables(facts.envExample);
    const buildArgs = [...facts.dockerfile.matchAll(/^ARG\s+([A-Z][A-Z0-9_]*)/gm)].map((m) => m[1] ?? '');
    const read = new Set(Object.values(facts.configKeys).flatMap((keys) => [...keys]));
    const used = new Set([...facts.variables, ...buildArgs]);
    return [
      ...facts.variables
        .filter((name) => !documented.has(name))
        .map((name) => `docker-compose.yml uses \${${name}}, which .env.example does not document`),
      ...[...documented]
        .filter((name) => !used.has(name) && !read.has(name))
        .map(
          (name) =>
            `.env.example documents ${name}, which neither compose, the Dockerfile nor any service reads`,
        ),
    ];
  },
};

const oneBuild: Rule = {
  id: 'one-build',
  why: 'compose builds once per service with `build:`; the other Node services run that image and never pull it',
  check: (facts) => {
    const built = services(facts).filter(([, service]) => service.build !== undefined);
    if (built.length !== 1)
      return [`${built.length} services have build: (${built.map(([n]) => n).join(', ')}); want exactly one`];
    const [builder, spec] = built[0] as [string, ComposeService];
    const others = services(facts).filter(
      ([name, s]) => workspaceServiceOf(s) !== undefined && name !== builder,
    );
    return others.flatMap(([name, service]) => [
      ...(service.image === spec.image
        ? []
        : [`${name}: runs image ${service.image ?? '(none)'}, not ${builder}'s ${spec.image}`]),
      // A pull of our image goes to Docker Hub, where it does not exist (and which many sites lack).
      ...(service.pull_policy === 'never'
        ? []
        : [`${name}: pull_policy is ${service.pull_policy ?? 'missing'}, not never`]),
    ]);
  },
};

const healthchecks: Rule = {
  id: 'healthchecks',
  why: '`up --wait` and depends_on service_healthy mean nothing for a service without one',
  check: (facts) =>
    services(facts)
      .filter(
        ([, s]) =>
          s.healthcheck === undefined || s.healthcheck.disable === true || s.healthcheck.test?.[0] === 'NONE',
      )
      .map(([name]) => `${name}: no healthcheck in docker-compose.yml`),
};

const redisFirst: Rule = {
  id: 'redis-first',
  why: 'BullMQ needs Redis reachable when a queue is built',
  check: (facts) => {
    const redis = redisServices(facts.compose)[0];
    if (redis === undefined) return [];
    return services(facts)
      .filter(([, service]) => facts.configKeys[workspaceServiceOf(service) ?? '']?.has('REDIS_URL') === true)
      .filter(([, service]) => service.depends_on?.[redis]?.condition !== 'service_healthy')
      .map(([name]) => `${name}: reads REDIS_URL but does not wait for ${redis} to be healthy`);
  },
};

const profiles: Rule = {
  id: 'profiles',
  why: 'production (`docker compose up`) must start the product and never a simulator',
  check: (facts) =>
    services(facts).flatMap(([name, service]) => {
      const own = service.profiles ?? [];
      const simulator = SIMULATORS.has(workspaceServiceOf(service) ?? '');
      const problems: string[] = [];
      if (simulator && (own.length !== 1 || own[0] !== 'demo'))
        problems.push(`${name}: a simulator must run only under demo`);
      if (!simulator && workspaceServiceOf(service) !== undefined && own.length > 0)
        problems.push(`${name}: must run without a profile`);
      for (const dep of Object.keys(service.depends_on ?? {}))
        if (own.length === 0 && (facts.compose.services[dep]?.profiles ?? []).length > 0)
          problems.push(`${name}: runs without a profile but depends on ${dep}, which has one`);
      return problems;
    }),
};

const demoTokenGuarded: Rule = {
  id: 'demo-token-guarded',
  why: 'the published demo token must never open a real pipeline (deploy/demo-token.ts)',
  check: (facts) =>
    services(facts).flatMap(([name, service]) => {
      const tokens = environmentOf(service).ADMIN_TOKENS;
      if (tokens === undefined || tokens === '') return [];
      if (!usesDemoToken(tokens))
        return [`${name}: ADMIN_TOKENS defaults to a token that is not the demo one`];
      const guarded = (service.command ?? []).some((word) => word.endsWith('refuse-demo-token.ts'));
      return guarded
        ? []
        : [`${name}: falls back to the demo token without preloading deploy/refuse-demo-token.ts`];
    }),
};

const imageInstalls: Rule = {
  id: 'image-installs',
  why: 'the image installs only the services named in its pnpm --filter-prod list: a service left out starts without its packages (ERR_MODULE_NOT_FOUND)',
  check: (facts) => {
    const installed = new Set(
      [...facts.dockerfile.matchAll(/--filter-prod\s+'?\{\.\/services\/([a-z0-9-]+)\}\.\.\.'?/g)].map(
        (match) => match[1] as string,
      ),
    );
    return services(facts)
      .map(([name, service]) => [name, workspaceServiceOf(service)] as const)
      .filter(([, workspace]) => workspace !== undefined && !installed.has(workspace))
      .map(
        ([name, workspace]) =>
          `${name}: runs services/${workspace}, which the Dockerfile's install does not name (--filter-prod '{./services/${workspace}}...')`,
      );
  },
};

const dockerfileNoHub: Rule = {
  id: 'dockerfile-no-hub',
  why: 'many sites have no Docker Hub: no `# syntax=` frontend pull, and the base image settable to a mirror',
  check: (facts) => {
    const problems = /^#\s*syntax\s*=/im.test(facts.dockerfile.split(/^\s*[A-Z]/m)[0] ?? '')
      ? ['Dockerfile: a # syntax= directive makes BuildKit pull its frontend from Docker Hub']
      : [];
    const stages: string[] = [];
    for (const [, from, stage] of facts.dockerfile.matchAll(
      /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim,
    )) {
      if (from !== undefined && !/^\$\{?[A-Z_]+\}?$/.test(from) && !stages.includes(from))
        problems.push(
          `Dockerfile: FROM ${from} is neither an ARG (a mirror cannot replace it) nor an earlier stage`,
        );
      if (stage !== undefined) stages.push(stage);
    }
    return problems;
  },
};

const pnpmPinned: Rule = {
  id: 'pnpm-pinned',
  why: 'the image must install with the pnpm the lockfile was written by',
  check: (facts) => {
    const inImage = /^ARG\s+PNPM_VERSION=(\S+)/m.exec(facts.dockerfile)?.[1];
    const pinned = facts.packageManager?.split('@')[1];
    return inImage === pinned
      ? []
      : [`Dockerfile PNPM_VERSION ${inImage ?? '(none)'} ≠ packageManager ${pinned ?? '(none)'}`];
  },
};

const contextAllowList: Rule = {
  id: 'context-allow-list',
  why: 'no .env, .git or node_modules may reach the image (secrets, host binaries)',
  check: (facts) => {
    const lines = facts.dockerignore
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const problems = lines[0] === '*' ? [] : ['.dockerignore: must start with `*` (an allow-list)'];
    for (const line of lines.filter((l) => l.startsWith('!')))
      if (/(^|\/)(\.env|\.git|node_modules)(\/|$|\.)/.test(line.slice(1)))
        problems.push(`.dockerignore: ${line} lets it in`);
    for (const pattern of ['**/.env', '**/node_modules'])
      if (!lines.includes(pattern))
        problems.push(`.dockerignore: lacks ${pattern} inside the allowed folders`);
    return problems;
  },
};

const RULES: readonly Rule[] = [
  redisDurable,
  postgresDurable,
  postgresFirst,
  postgresPrivate,
  scalable,
  envKeysRead,
  envExampleComplete,
  oneBuild,
  healthchecks,
  redisFirst,
  profiles,
  demoTokenGuarded,
  imageInstalls,
  dockerfileNoHub,
  pnpmPinned,
  contextAllowList,
];

export interface RuleResult {
  readonly id: string;
  readonly why: string;
  readonly problems: readonly string[];
}

export function checkRules(facts: DeployFacts, rules: readonly Rule[] = RULES): RuleResult[] {
  return rules.map((rule) => ({ id: rule.id, why: rule.why, problems: rule.check(facts) }));
}
