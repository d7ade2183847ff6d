/**
 * The admin token docker-compose.yml falls back to when ADMIN_TOKENS is unset, so that
 * `docker compose --profile demo up` needs no .env. It is published in this repository, so it
 * must never open a real pipeline: it is accepted only while WDT and K3 are the compose
 * simulators. Compose cannot scope a default to a profile, hence this check at admin start-up
 * (deploy/refuse-demo-token.ts) and in `pnpm check:deploy`.
 */
export const DEMO_ADMIN_TOKEN = 'demo-token-not-a-secret-never-use-in-production';

/** Host names of the demo simulators: their compose service names. */
const SIMULATOR_HOSTS = { wdt: 'wdt-sim', k3: 'k3cloud-sim' } as const;

/** True when any `name:scope:token` entry of an ADMIN_TOKENS value uses the demo token. */
export function usesDemoToken(adminTokens: string | undefined): boolean {
  return (adminTokens ?? '')
    .split(',')
    .some((entry) => entry.trim().split(':').slice(2).join(':').trim() === DEMO_ADMIN_TOKEN);
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/**
 * Why this environment may not use the demo token, or undefined when it may (no demo token, or
 * WDT is the simulator and K3 is either unset or the simulator).
 */
export function demoTokenProblem(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!usesDemoToken(env.ADMIN_TOKENS)) return undefined;
  const wdtHost = hostOf(env.WDT_BASE_URL);
  const k3Host = hostOf(env.K3_BASE_URL);
  const onSimulators =
    wdtHost === SIMULATOR_HOSTS.wdt && (k3Host === undefined || k3Host === SIMULATOR_HOSTS.k3);
  if (onSimulators) return undefined;
  return (
    'ADMIN_TOKENS holds the published demo token, which is accepted only while WDT_BASE_URL and ' +
    `K3_BASE_URL point at the demo simulators (${SIMULATOR_HOSTS.wdt}, ${SIMULATOR_HOSTS.k3}); ` +
    `they point at ${wdtHost ?? '(unset)'} and ${k3Host ?? '(unset)'}. ` +
    'Set ADMIN_TOKENS in .env (see .env.example).'
  );
}
