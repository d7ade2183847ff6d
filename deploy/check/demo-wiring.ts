/**
 * `docker compose --profile demo up` with no .env must show orders flowing, so with the file's
 * own defaults: every service's config loads, the admin guard accepts the demo token, each client
 * points at its simulator's service name and port, the simulators accept exactly the credentials
 * the clients send, and both simulators generate the same dataset.
 */
import { demoTokenProblem } from '../demo-token.ts';
import { PROBES } from '../health-probe.ts';
import type { ComposeService, Env } from './compose-model.ts';

/** Loads a service's config.ts with `env`; returns its problems (empty when it would start). */
export type ConfigValidator = (env: Env) => readonly string[];

interface Link {
  readonly client: string;
  readonly simulator: 'wdt-sim' | 'k3cloud-sim';
  readonly urlKey: string;
  readonly portKey: string;
  readonly pairs: readonly (readonly [string, string])[];
}

const WDT_PAIRS = [
  ['WDT_APP_KEY', 'WDT_SIM_APP_KEY'],
  ['WDT_APP_SECRET', 'WDT_SIM_APP_SECRET'],
  ['WDT_SID', 'WDT_SIM_SID'],
  ['WDT_TARGET_APP_KEY', 'WDT_SIM_TARGET_APP_KEY'],
] as const;
const K3_PAIRS = [
  ['K3_ACCT_ID', 'K3_SIM_ACCT_ID'],
  ['K3_USERNAME', 'K3_SIM_USERNAME'],
  ['K3_APP_ID', 'K3_SIM_APP_ID'],
  ['K3_APP_SECRET', 'K3_SIM_APP_SECRET'],
  ['K3_PASSWORD', 'K3_SIM_PASSWORD'],
] as const;

const LINKS: readonly Link[] = [
  {
    client: 'extractor',
    simulator: 'wdt-sim',
    urlKey: 'WDT_BASE_URL',
    portKey: 'WDT_SIM_PORT',
    pairs: WDT_PAIRS,
  },
  {
    client: 'admin',
    simulator: 'wdt-sim',
    urlKey: 'WDT_BASE_URL',
    portKey: 'WDT_SIM_PORT',
    pairs: WDT_PAIRS,
  },
  {
    client: 'loader',
    simulator: 'k3cloud-sim',
    urlKey: 'K3_BASE_URL',
    portKey: 'K3_SIM_PORT',
    pairs: K3_PAIRS,
  },
  {
    client: 'admin',
    simulator: 'k3cloud-sim',
    urlKey: 'K3_BASE_URL',
    portKey: 'K3_SIM_PORT',
    pairs: K3_PAIRS,
  },
];

const DATASET_PAIRS = [
  ['WDT_SIM_SEED', 'K3_SIM_SEED'],
  ['WDT_SIM_FROM', 'K3_SIM_FROM'],
  ['WDT_SIM_TO', 'K3_SIM_TO'],
] as const;

function linkProblems(link: Link, client: ComposeService, sim: ComposeService): string[] {
  const problems: string[] = [];
  const url = client.environment[link.urlKey];
  const port = sim.environment[link.portKey] ?? String(PROBES[link.simulator]?.defaultPort);
  let target: URL | undefined;
  try {
    target = url === undefined ? undefined : new URL(url);
  } catch {
    target = undefined;
  }
  const targetPort =
    target === undefined ? undefined : target.port || (target.protocol === 'https:' ? '443' : '80');
  if (target?.hostname !== sim.name || targetPort !== port)
    problems.push(
      `${client.name}: ${link.urlKey}=${url ?? '(unset)'} does not reach ${sim.name} on port ${port}`,
    );
  for (const [clientKey, simKey] of link.pairs) {
    const mine = client.environment[clientKey];
    const theirs = sim.environment[simKey];
    if (mine === undefined && theirs === undefined) continue;
    if (mine !== theirs)
      problems.push(
        `${client.name}: ${clientKey} and ${sim.name}'s ${simKey} differ, so ${sim.name} refuses the calls`,
      );
  }
  return problems;
}

export function checkDemoWiring(
  services: readonly ComposeService[],
  validators: Readonly<Record<string, ConfigValidator>>,
): string[] {
  const problems: string[] = [];
  const running = services.filter((s) => s.profiles.length === 0 || s.profiles.includes('demo'));
  const byWorkspace = new Map(running.map((s) => [s.workspaceService, s]));
  for (const service of running) {
    const validate =
      service.workspaceService === undefined ? undefined : validators[service.workspaceService];
    for (const problem of validate?.(service.environment) ?? [])
      problems.push(`${service.name} would not start in the demo: ${problem}`);
    if (service.command.some((word) => word.endsWith('refuse-demo-token.ts'))) {
      const refusal = demoTokenProblem(service.environment);
      if (refusal !== undefined) problems.push(`${service.name} would not start in the demo: ${refusal}`);
    }
  }
  for (const link of LINKS) {
    const client = byWorkspace.get(link.client);
    const sim = byWorkspace.get(link.simulator);
    // A client without the URL does not use that system (admin's K3 lookups are optional); a
    // client that needs it is refused by its own config above.
    if (client?.environment[link.urlKey] !== undefined && sim !== undefined)
      problems.push(...linkProblems(link, client, sim));
  }
  const wdt = byWorkspace.get('wdt-sim');
  const k3 = byWorkspace.get('k3cloud-sim');
  if (wdt !== undefined && k3 !== undefined) {
    for (const [wdtKey, k3Key] of DATASET_PAIRS) {
      if (wdt.environment[wdtKey] !== k3.environment[k3Key])
        problems.push(
          `${wdt.name} ${wdtKey} and ${k3.name} ${k3Key} differ: the simulators would not share a dataset`,
        );
    }
    const wdtOrders = Number(wdt.environment.WDT_SIM_ORDERS ?? 0);
    const k3Orders = Number(k3.environment.K3_SIM_ORDERS ?? 0);
    if (wdtOrders === 0) problems.push(`${wdt.name}: WDT_SIM_ORDERS is 0, so the demo has no orders`);
    if (k3Orders < wdtOrders)
      problems.push(
        `${k3.name}: K3_SIM_ORDERS (${k3Orders}) is below WDT_SIM_ORDERS (${wdtOrders}): sales orders past it do not resolve`,
      );
  }
  return problems;
}
