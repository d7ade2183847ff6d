import { ConfigError } from './config.ts';
import { keySlot } from './key-slot.ts';
import type { Logger } from './logger.ts';
import { clusterStartNodes, type HostPort, type RedisSettings } from './redis.ts';
import { REDIS_ERRORS, RedisSetupError } from './redis-errors.ts';
import { address, dataOptions, info, sentinelOptions, withNode } from './redis-probe.ts';

export interface RedisProbeReport {
  readonly mode: RedisSettings['mode'];
  /** host:port of the node the pipeline's keys are written to. */
  readonly master: string;
  readonly detail: string;
}

type Outcome = { ok: RedisProbeReport } | { retry: string };

const mismatch = (node: HostPort, is: string, fix: string): RedisSetupError =>
  new RedisSetupError('REDIS_MODE_MISMATCH', `${address(node)} is ${is}: ${fix}`, { node: address(node) });

/** What kind of node answers, from INFO; a fatal mismatch when it is not `expected`. */
function checkKind(node: HostPort, fields: Record<string, string>, expected: RedisSettings['mode']): void {
  const kind =
    fields.redis_mode === 'sentinel' ? 'sentinel' : fields.cluster_enabled === '1' ? 'cluster' : 'standalone';
  if (kind === expected || (expected === 'sentinel' && kind === 'standalone')) return;
  if (kind === 'sentinel')
    throw mismatch(node, 'a Redis Sentinel', 'set REDIS_MODE=sentinel and list it in REDIS_SENTINELS');
  if (kind === 'cluster')
    throw mismatch(
      node,
      'a Redis Cluster node (cluster_enabled:1)',
      'set REDIS_MODE=cluster and REDIS_CLUSTER_NODES',
    );
  throw mismatch(
    node,
    'a standalone Redis (cluster_enabled:0), not a Cluster node',
    'set REDIS_MODE=standalone, or give the Cluster nodes in REDIS_CLUSTER_NODES',
  );
}

async function probeStandalone(settings: RedisSettings): Promise<Outcome> {
  const url = new URL(settings.url);
  const node = { host: url.hostname, port: url.port === '' ? 6379 : Number(url.port) };
  const answer = await withNode(node, dataOptions(settings), 'Redis', async (client) => {
    const fields = info(await client.info());
    // A managed cluster's proxy may say cluster_enabled:1 while serving every slot itself (one
    // address, standalone semantics): only a slot map with several masters is a real mismatch.
    const masters =
      fields.cluster_enabled === '1'
        ? await client
            .call('CLUSTER', 'SLOTS')
            .then(
              (slots) =>
                new Set(
                  (slots as Array<[number, number, [string, number]]>).map(
                    (range) => `${range[2][0]}:${range[2][1]}`,
                  ),
                ).size,
            )
            .catch(() => 1)
        : 1;
    return { fields, masters };
  });
  if (answer === undefined) return { retry: `${address(node)} does not answer` };
  const { fields } = answer;
  checkKind(node, answer.masters > 1 ? fields : { ...fields, cluster_enabled: '0' }, 'standalone');
  if (fields.role === 'slave')
    throw mismatch(
      node,
      `a read-only replica of ${fields.master_host}:${fields.master_port}`,
      'point REDIS_URL at the master, or use REDIS_MODE=sentinel so failovers are followed',
    );
  return { ok: { mode: 'standalone', master: address(node), detail: `standalone ${address(node)}` } };
}

async function probeSentinel(settings: RedisSettings): Promise<Outcome> {
  const sentinelAuth = sentinelOptions(settings);
  const known = new Set<string>();
  let answering = 0;
  let master: HostPort | undefined;
  for (const sentinel of settings.sentinels) {
    const answer = await withNode(sentinel, sentinelAuth, 'Sentinel', async (client) => {
      const fields = info(await client.info('server'));
      if (fields.redis_mode !== 'sentinel')
        throw mismatch(
          sentinel,
          `not a Sentinel (redis_mode:${fields.redis_mode ?? '?'})`,
          'list only sentinels in REDIS_SENTINELS (port 26379 by default)',
        );
      // An unknown name answers null (some versions: "ERR No such master with that name").
      const reply = await client
        .call('SENTINEL', 'get-master-addr-by-name', settings.sentinelName)
        .catch((err: Error) => {
          if (/no such master/i.test(err.message)) return null;
          throw err;
        });
      const masters = (await client.call('SENTINEL', 'masters')) as unknown[];
      return { reply, names: masters.map(masterName).filter((name): name is string => name !== undefined) };
    });
    if (answer === undefined) continue;
    answering += 1;
    for (const name of answer.names) known.add(name);
    if (Array.isArray(answer.reply) && master === undefined)
      master = { host: String(answer.reply[0]), port: Number(answer.reply[1]) };
  }
  if (answering === 0)
    return { retry: `no sentinel of ${settings.sentinels.map(address).join(', ')} answers` };
  if (master === undefined)
    throw new RedisSetupError(
      'REDIS_SENTINEL_MASTER_UNKNOWN',
      `no sentinel monitors a master named "${settings.sentinelName}" (REDIS_SENTINEL_NAME); they know: ${[...known].join(', ') || 'none'}`,
      { sentinelName: settings.sentinelName },
    );
  const found = master;
  const role = await withNode(
    found,
    dataOptions(settings),
    'Redis master',
    async (client) => info(await client.info('replication')).role,
  );
  if (role !== 'master')
    return { retry: `the master the sentinels name, ${address(found)}, is not serving as master yet` };
  return {
    ok: {
      mode: 'sentinel',
      master: address(found),
      detail: `sentinel ${settings.sentinelName}: master ${address(found)}, ${answering}/${settings.sentinels.length} sentinels answering`,
    },
  };
}

/** SENTINEL MASTERS answers a list of flat [field, value, …] arrays (RESP2) or maps (RESP3). */
function masterName(entry: unknown): string | undefined {
  if (Array.isArray(entry)) {
    const at = entry.indexOf('name');
    return at === -1 ? undefined : String(entry[at + 1]);
  }
  if (entry instanceof Map) return entry.get('name') as string | undefined;
  if (typeof entry === 'object' && entry !== null) return (entry as { name?: string }).name;
  return undefined;
}

async function probeCluster(settings: RedisSettings): Promise<Outcome> {
  const nodes = clusterStartNodes(settings);
  const slot = keySlot(settings.queuePrefix);
  let lastState = '';
  for (const node of nodes) {
    const answer = await withNode(node, dataOptions(settings), 'Cluster node', async (client) => {
      checkKind(node, info(await client.info()), 'cluster');
      const state = info(String(await client.call('CLUSTER', 'INFO'))).cluster_state ?? '?';
      const slots = (await client.call('CLUSTER', 'SLOTS')) as Array<
        [number, number, [string, number, ...unknown[]]]
      >;
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      return { state, master: range === undefined ? undefined : `${range[2][0]}:${range[2][1]}` };
    });
    if (answer === undefined) continue;
    if (answer.state === 'ok' && answer.master !== undefined)
      return {
        ok: {
          mode: 'cluster',
          master: answer.master,
          detail: `cluster via ${address(node)}: slot ${slot} (${settings.queuePrefix}) served by ${answer.master}`,
        },
      };
    lastState = `${address(node)} reports cluster_state:${answer.state}`;
  }
  return { retry: lastState === '' ? `no node of ${nodes.map(address).join(', ')} answers` : lastState };
}

/**
 * Start-up check that the Redis the settings name is the kind they say, before any BullMQ
 * connection is made. Without it a wrong setting waits forever or loops: a Cluster client
 * pointed at a standalone Redis retries its slot refresh without end, and a Sentinel client
 * asking for an unknown master name retries "all sentinels are unreachable" without end.
 * Unreachable nodes are asked again until `settings.startupTimeoutMs`; a mismatch, an unknown
 * master name or refused credentials fail at once.
 */
export async function checkRedis(
  settings: RedisSettings,
  now: () => number = Date.now,
): Promise<RedisProbeReport> {
  const deadline = now() + settings.startupTimeoutMs;
  const probe =
    settings.mode === 'sentinel'
      ? probeSentinel
      : settings.mode === 'cluster'
        ? probeCluster
        : probeStandalone;
  for (let waitMs = 100; ; waitMs = Math.min(waitMs * 2, 2_000)) {
    const outcome = await probe(settings);
    if ('ok' in outcome) return outcome.ok;
    if (now() + waitMs > deadline) {
      const clusterDown = settings.mode === 'cluster' && outcome.retry.includes('cluster_state');
      throw new RedisSetupError(
        clusterDown ? 'REDIS_CLUSTER_DOWN' : 'REDIS_UNAVAILABLE',
        `after ${settings.startupTimeoutMs} ms (REDIS_STARTUP_TIMEOUT_MS): ${outcome.retry}`,
        { mode: settings.mode },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/**
 * `checkRedis` for a service's main.ts: logs what answered, or logs the problem as one fatal
 * line (code, what it means in English and Chinese, what to do) and exits non-zero.
 */
export async function checkRedisOrExit(
  settings: RedisSettings,
  logger: Logger,
  exit: (code: number) => never = (code) => process.exit(code),
): Promise<RedisProbeReport> {
  try {
    const report = await checkRedis(settings);
    logger.info(
      { redisMode: report.mode, redisMaster: report.master, prefix: settings.queuePrefix },
      `redis: ${report.detail}`,
    );
    return report;
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.fatal(
        { code: err.code, problems: err.problems },
        'refusing to start: redis settings are invalid',
      );
      return exit(1);
    }
    if (!(err instanceof RedisSetupError)) throw err;
    const entry = REDIS_ERRORS[err.code];
    logger.fatal(
      {
        code: err.code,
        retryable: err.retryable,
        problem: err.message,
        meaning: entry.en,
        zh: entry.zh,
        action: entry.action,
      },
      'refusing to start: redis settings do not match what answers',
    );
    return exit(1);
  }
}
