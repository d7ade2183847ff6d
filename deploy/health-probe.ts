/**
 * Which URL the container healthcheck probes, for each service the image runs. Every service
 * already answers a health route; only the address differs, and each reads it from its own env
 * (the same variables and defaults as its config.ts).
 */
interface Probe {
  readonly hostVar: string;
  readonly portVar: string;
  readonly defaultHost: string;
  readonly defaultPort: number;
  readonly path: string;
}

const PROBES: Readonly<Record<string, Probe>> = {
  extractor: {
    hostVar: 'OPS_HOST',
    portVar: 'OPS_PORT',
    defaultHost: '0.0.0.0',
    defaultPort: 9101,
    path: '/health/live',
  },
  loader: {
    hostVar: 'OPS_HOST',
    portVar: 'OPS_PORT',
    defaultHost: '0.0.0.0',
    defaultPort: 9102,
    path: '/health/live',
  },
  reconciler: {
    hostVar: 'OPS_HOST',
    portVar: 'OPS_PORT',
    defaultHost: '0.0.0.0',
    defaultPort: 9105,
    path: '/health/live',
  },
  // Readiness, unlike the others: the ledger's one job is to be current. `/health` fails while
  // Redis or PostgreSQL does not answer or the oldest unprojected event is older than
  // LEDGER_HEALTH_MAX_LAG_MS (services/ledger/src/health.ts); nothing depends on its health.
  ledger: {
    hostVar: 'OPS_HOST',
    portVar: 'OPS_PORT',
    defaultHost: '0.0.0.0',
    defaultPort: 9103,
    path: '/health',
  },
  admin: {
    hostVar: 'ADMIN_HOST',
    portVar: 'ADMIN_PORT',
    defaultHost: '127.0.0.1',
    defaultPort: 4100,
    path: '/health/live',
  },
  alerter: {
    hostVar: 'OPS_HOST',
    portVar: 'OPS_PORT',
    defaultHost: '0.0.0.0',
    defaultPort: 9104,
    path: '/health/live',
  },
  'robot-sim': {
    hostVar: 'ROBOT_SIM_HOST',
    portVar: 'ROBOT_SIM_PORT',
    defaultHost: '127.0.0.1',
    defaultPort: 4103,
    path: '/_sim/health',
  },
  'wdt-sim': {
    hostVar: 'WDT_SIM_HOST',
    portVar: 'WDT_SIM_PORT',
    defaultHost: '127.0.0.1',
    defaultPort: 4101,
    path: '/_sim/health',
  },
  // k3cloud-sim has no health route; its stats are a cheap unauthenticated GET.
  'k3cloud-sim': {
    hostVar: 'K3_SIM_HOST',
    portVar: 'K3_SIM_PORT',
    defaultHost: '127.0.0.1',
    defaultPort: 4102,
    path: '/_sim/stats',
  },
};

const SERVICE_ENTRY = /(?:^|\/)services\/([a-z0-9-]+)\/src\/main\.ts$/;

/** The service a command line runs (`node … services/<name>/src/main.ts`), or undefined. */
export function serviceOfCommand(args: readonly string[]): string | undefined {
  for (const arg of args) {
    const match = SERVICE_ENTRY.exec(arg);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** The URL to probe for `service`, or an explanation of why there is none. */
export function probeUrl(
  service: string,
  env: Readonly<Record<string, string | undefined>>,
): { url: string } | { problem: string } {
  const probe = PROBES[service];
  if (probe === undefined) return { problem: `no health probe known for service "${service}"` };
  const host = (env[probe.hostVar] ?? '').trim() || probe.defaultHost;
  const port = (env[probe.portVar] ?? '').trim() || String(probe.defaultPort);
  // A wildcard listener is reached on loopback; a specific address only on itself.
  const target = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  const bracketed = target.includes(':') && !target.startsWith('[') ? `[${target}]` : target;
  return { url: `http://${bracketed}:${port}${probe.path}` };
}
