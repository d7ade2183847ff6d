import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig as loadK3SimConfig, simCredentials } from '@wdt-k3/k3cloud-sim';
import { DEMO_ROBOTS } from '@wdt-k3/robot-sim';
import { findFreePort } from '@wdt-k3/testkit';
import { loadConfig as loadWdtSimConfig } from '@wdt-k3/wdt-sim';
import type { Fleet } from './fleet.ts';
import type { LocalRunOptions } from './options.ts';

/** The simulators' demo credentials, read from their own config defaults so they always match. */
export const WDT = loadWdtSimConfig({}).sim;
export const K3 = simCredentials(loadK3SimConfig({}));

export interface Endpoints {
  readonly wdtUrl: string;
  readonly k3Url: string;
  readonly adminUrl: string;
  readonly adminTokenFile: string;
  /** A read-only token, to try the console as someone who may look but not act. */
  readonly adminReadTokenFile: string;
  readonly loaderOpsPorts: readonly number[];
  /** The reconciler's environment, so a test can start another one after a kill -9. */
  readonly reconcilerEnv: Record<string, string>;
  /** The robot simulator the demo alert channel posts to; `/` lists what it received. */
  readonly robotSimUrl: string;
}

export interface DatasetWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

const post = async (url: string, method: 'POST' | 'PUT', body: unknown): Promise<void> => {
  const res = await fetch(url, {
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
};

/** Seeds both simulators from one seed and window, so every WDT order resolves in K3. */
export async function seedSimulators(
  wdtUrl: string,
  k3Url: string,
  options: LocalRunOptions,
  window: DatasetWindow,
): Promise<void> {
  const shape = {
    unknownMaterialRate: options['invalid-rate'] / 2,
    missingCustomerRate: options['invalid-rate'] / 2,
  };
  const dataset = { seed: options.seed, count: options.orders, from: window.fromMs, to: window.toMs, shape };
  await post(`${wdtUrl}/_sim/generate`, 'POST', dataset);
  await post(`${k3Url}/_sim/generate-basedata`, 'POST', dataset);
  const k3Rate = options['k3-fault-rate'] / 3;
  if (k3Rate > 0) {
    await post(`${k3Url}/_sim/faults`, 'PUT', {
      http5xx: { rate: k3Rate, services: ['BatchSave'] },
      dropAfterCommit: { rate: k3Rate, services: ['BatchSave'] },
      hang: { rate: k3Rate, afterCommit: true, services: ['BatchSave'], maxMs: 30_000 },
    });
  }
  const wdtRate = options['wdt-fault-rate'] / 2;
  if (wdtRate > 0) await post(`${wdtUrl}/_sim/faults`, 'PUT', { errorRate: wdtRate, dropRate: wdtRate });
}

/**
 * How the services reach Redis: a standalone URL, or the documented settings of another topology
 * (`REDIS_MODE`, `REDIS_SENTINELS`, `REDIS_CLUSTER_NODES`, … as the testkit's Sentinel and Cluster
 * fixtures give them in `env`).
 */
export type RedisTarget = string | Readonly<Record<string, string>>;

const redisEnvOf = (target: RedisTarget): Readonly<Record<string, string>> =>
  typeof target === 'string' ? { REDIS_URL: target } : target;

/** Extra settings per service (tests shorten intervals with them; the local run passes none). */
export type ServiceEnv = Partial<
  Record<'loader' | 'admin' | 'extractor' | 'ledger', Readonly<Record<string, string>>>
> & {
  /** Settings for the alerter over the demo defaults, given the robot simulator's URL. */
  readonly alerter?: (robotSimUrl: string) => Readonly<Record<string, string>>;
  /** Sets the simulators up (latency, cost model) after seeding, before any service calls them. */
  readonly simulators?: (urls: { readonly wdtUrl: string; readonly k3Url: string }) => Promise<void>;
};

/**
 * Starts simulators, loaders, admin and the extractor (last, so the loaders are ready). Every
 * service gets the same Redis settings (`common`): a service added here (the ledger) runs against
 * whatever topology the caller chose, the topology tests included.
 */
export async function startServices(
  fleet: Fleet,
  options: LocalRunOptions,
  redis: RedisTarget,
  prefix: string,
  runDir: string,
  window: DatasetWindow,
  /** null: no ledger, and no events written (EVENTS_ENABLED=false) — the benchmark's "off". */
  databaseUrl: string | null,
  serviceEnv: ServiceEnv = {},
): Promise<Endpoints> {
  const common = {
    ...redisEnvOf(redis),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'info',
    ...(databaseUrl === null ? { EVENTS_ENABLED: 'false' } : {}),
  };
  if (databaseUrl !== null)
    await fleet.start(
      'ledger',
      'ledger',
      { ...common, DATABASE_URL: databaseUrl, OPS_PORT: String(await findFreePort()), ...serviceEnv.ledger },
      /"msg":"ledger consuming"/,
    );
  const [wdtPort, k3Port, adminPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const wdtUrl = `http://127.0.0.1:${wdtPort}`;
  const k3Url = `http://127.0.0.1:${k3Port}`;
  const limit = String(options['wdt-rate-limit']);
  await Promise.all([
    fleet.start(
      'wdt-sim',
      'wdt-sim',
      { WDT_SIM_PORT: String(wdtPort), WDT_SIM_RATE_LIMIT_PER_MINUTE: limit },
      /wdt-sim listening/,
    ),
    fleet.start('k3cloud-sim', 'k3cloud-sim', { K3_SIM_PORT: String(k3Port) }, /k3cloud-sim listening/),
  ]);
  await seedSimulators(wdtUrl, k3Url, options, window);
  await serviceEnv.simulators?.({ wdtUrl, k3Url });

  const wdtEnv = {
    WDT_BASE_URL: `${wdtUrl}/router/qm`,
    WDT_APP_KEY: WDT.appKey,
    WDT_APP_SECRET: WDT.appSecret,
    WDT_SID: WDT.sid,
  };
  const k3Env = {
    K3_BASE_URL: `${k3Url}/k3cloud/`,
    K3_AUTH_KIND: 'signature',
    K3_ACCT_ID: K3.acctId,
    K3_USERNAME: K3.username,
    K3_APP_ID: K3.appId,
    K3_APP_SECRET: K3.appSecret,
  };
  const loaderOpsPorts: number[] = [];
  for (let index = 1; index <= options.loaders; index += 1) {
    const port = await findFreePort();
    loaderOpsPorts.push(port);
    // Hanging K3 calls (a fault knob) end at this timeout and are checked, not re-sent. Bills of
    // a failed save that the check did not find keep their claim for LOADER_CLAIM_TTL_MS (more
    // than a check plus a save): 25 s instead of the default 50 s keeps a faulty demo short.
    const env = {
      ...common,
      ...k3Env,
      OPS_PORT: String(port),
      K3_REQUEST_TIMEOUT_MS: '10000',
      LOADER_CLAIM_TTL_MS: '25000',
      ...serviceEnv.loader,
    };
    await fleet.start(`loader-${index}`, 'loader', env, /"msg":"loader started"/);
  }
  const token = randomBytes(24).toString('hex');
  const adminTokenFile = join(runDir, 'admin-token');
  writeFileSync(adminTokenFile, `${token}\n`, { mode: 0o600 });
  const readToken = randomBytes(24).toString('hex');
  const adminReadTokenFile = join(runDir, 'admin-token-read');
  writeFileSync(adminReadTokenFile, `${readToken}\n`, { mode: 0o600 });
  const adminEnv = {
    ...common,
    ...wdtEnv,
    ...k3Env,
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    ADMIN_PORT: String(adminPort),
    ADMIN_TOKENS: `local:full:${token},viewer:read:${readToken}`,
    ...serviceEnv.admin,
  };
  await fleet.start('admin', 'admin', adminEnv, /"msg":"admin api listening"/);
  const robotSimUrl = await startAlerting(
    fleet,
    common,
    `http://127.0.0.1:${adminPort}`,
    databaseUrl,
    serviceEnv.alerter ?? (() => ({})),
  );
  const extractorEnv = {
    ...common,
    ...wdtEnv,
    OPS_PORT: String(await findFreePort()),
    WDT_RATE_LIMIT_PER_MINUTE: limit,
    EXTRACT_START_FROM: new Date(window.fromMs).toISOString(),
    EXTRACT_POLL_INTERVAL_MS: '2000',
    EXTRACT_MAX_WINDOW_MS: String(6 * 3_600_000),
    ...serviceEnv.extractor,
  };
  // Reconciliation (issue 17): runs on demand here (the local run asks for one at its end).
  const reconcilerEnv = {
    ...common,
    ...k3Env,
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    OPS_PORT: String(await findFreePort()),
    RECONCILE_DAILY: 'false',
    RECONCILE_SETTLE_INTERVAL_MS: '1000',
    RECONCILE_LOCK_DURATION_MS: '5000',
  };
  await fleet.start('reconciler', 'reconciler', reconcilerEnv, /"msg":"reconciler started"/);
  await fleet.start('extractor', 'extractor', extractorEnv, /"msg":"extractor started"/);
  return {
    wdtUrl,
    k3Url,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    adminTokenFile,
    adminReadTokenFile,
    loaderOpsPorts,
    reconcilerEnv,
    robotSimUrl,
  };
}

/** The robot simulator (its demo robots) and one alerter whose demo channel is its DingTalk robot (加签 + keyword). */
async function startAlerting(
  fleet: Fleet,
  common: Record<string, string>,
  adminUrl: string,
  databaseUrl: string | null,
  alerterEnv: (robotSimUrl: string) => Readonly<Record<string, string>>,
): Promise<string> {
  const robotSimUrl = `http://127.0.0.1:${await findFreePort()}`;
  await fleet.start(
    'robot-sim',
    'robot-sim',
    { ROBOT_SIM_PORT: new URL(robotSimUrl).port },
    /robot-sim listening/,
  );
  const ding = DEMO_ROBOTS.find((robot) => robot.type === 'dingtalk');
  const channels = [
    {
      type: 'dingtalk',
      name: 'demo-dingtalk',
      webhook: `${robotSimUrl}/robot/send?access_token=${ding?.token ?? ''}`,
      secret: ding?.secret,
      keyword: ding?.keywords?.[0],
    },
  ];
  const env = {
    ...common,
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    OPS_PORT: String(await findFreePort()),
    ALERT_CHANNELS: JSON.stringify(channels),
    ALERT_LINK_BASE_URL: adminUrl,
    ALERT_EVALUATE_INTERVAL_MS: '5000',
    ...alerterEnv(robotSimUrl),
  };
  await fleet.start('alerter', 'alerter', env, /"msg":"alerter started"/);
  return robotSimUrl;
}
