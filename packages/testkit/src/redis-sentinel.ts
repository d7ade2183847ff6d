import { rm } from 'node:fs/promises';
import {
  type FailoverResult,
  type InfoFields,
  makeFixtureRoot,
  parseInfo,
  type RedisNodeHandle,
  type RedisNodeInternals,
  startRedisNode,
  withNodeClient,
} from './redis-node.ts';
import { createTestCertificates, type TestCertificates } from './tls-certs.ts';
import { waitFor } from './wait-for.ts';

export interface RedisSentinelOptions {
  /** The master name the sentinels monitor (default `mymaster`). */
  readonly name?: string;
  /** requirepass / masterauth of the data nodes, and auth-pass of the sentinels. */
  readonly password?: string;
  /** requirepass of the sentinels themselves (REDIS_SENTINEL_PASSWORD). */
  readonly sentinelPassword?: string;
  /** How long a master must not answer before a sentinel calls it down (default 1000 ms). */
  readonly downAfterMs?: number;
  /** Sentinel failover-timeout (default 3000 ms). */
  readonly failoverTimeoutMs?: number;
  /** Every node and sentinel serves TLS only, with a throwaway CA (REDIS_TLS_CA_FILE). */
  readonly tls?: boolean;
}

export interface HostPortAddress {
  readonly host: string;
  readonly port: number;
}

/** One master, one replica and three sentinels (quorum 2), each with its own port and data dir. */
export interface RedisSentinelHandle {
  readonly name: string;
  /** The data nodes: `node-0` (the first master) and `node-1` (its replica). */
  readonly nodes: readonly RedisNodeHandle[];
  readonly sentinels: readonly RedisNodeHandle[];
  /** The set's data root: every node's data dir and config file lies under it. */
  readonly dir: string;
  /** The certificates when started with `tls`. */
  readonly tls: TestCertificates | undefined;
  /** `redis://[:password@]127.0.0.1` — the REDIS_URL that carries the credentials. */
  readonly url: string;
  /** The documented settings a service needs for this set (REDIS_MODE, REDIS_SENTINELS, …). */
  readonly env: Readonly<Record<string, string>>;
  /** The master address every running sentinel agrees on. */
  master(): Promise<HostPortAddress>;
  /** The data node the sentinels name as master. */
  masterNode(): Promise<RedisNodeHandle>;
  /**
   * Waits until every running sentinel names a master other than `previous` and that node says
   * it is a master (`previous` itself is not asked: it may be dead).
   */
  waitForNewMaster(previous: RedisNodeHandle, timeoutMs?: number): Promise<RedisNodeHandle>;
  /** Waits until `node` replicates the current master with its link up. */
  waitForReplica(node: RedisNodeHandle, timeoutMs?: number): Promise<void>;
  /** kill -9 the master, then wait for the sentinels to promote the replica. */
  failover(timeoutMs?: number): Promise<FailoverResult>;
  /** Every pid any node or sentinel ever ran as. */
  pids(): number[];
  /** Kills every process (by process group) and deletes every data dir. */
  dispose(): Promise<void>;
}

/** Starts the set and waits until the replica is in sync and every sentinel sees both. */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelHandle> {
  const name = options.name ?? 'mymaster';
  const downAfterMs = options.downAfterMs ?? 1_000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 3_000;
  const root = await makeFixtureRoot('sentinel');
  const started: RedisNodeInternals[] = [];
  const tls = options.tls === true ? await createTestCertificates(root) : undefined;
  const tlsSpec = tls === undefined ? {} : { tls };
  const auth =
    options.password === undefined
      ? []
      : [`requirepass ${options.password}`, `masterauth ${options.password}`];
  const dataConfig = [
    'appendonly yes',
    'appendfsync always',
    'save ""',
    'maxmemory-policy noeviction',
    // A replica that lost its master for a second must still be promotable.
    'repl-diskless-sync no',
    ...(tls === undefined ? [] : ['tls-replication yes']),
    ...auth,
  ];
  const cleanup = async (): Promise<void> => {
    await Promise.all(started.map((node) => node.handle.kill()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const master = await startRedisNode(
      { name: 'node-0', config: dataConfig, ...optionalPassword(options.password), ...tlsSpec },
      root,
    );
    started.push(master);
    const replica = await startRedisNode(
      {
        name: 'node-1',
        config: [...dataConfig, `replicaof 127.0.0.1 ${master.handle.port}`],
        ...optionalPassword(options.password),
        ...tlsSpec,
      },
      root,
    );
    started.push(replica);
    const sentinelConfig = [
      `sentinel monitor ${name} 127.0.0.1 ${master.handle.port} 2`,
      `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
      `sentinel failover-timeout ${name} ${failoverTimeoutMs}`,
      `sentinel parallel-syncs ${name} 1`,
      ...(options.password === undefined ? [] : [`sentinel auth-pass ${name} ${options.password}`]),
      ...(options.sentinelPassword === undefined ? [] : [`requirepass ${options.sentinelPassword}`]),
      ...(tls === undefined ? [] : ['tls-replication yes']),
    ];
    for (let index = 0; index < 3; index += 1) {
      started.push(
        await startRedisNode(
          {
            name: `sentinel-${index}`,
            sentinel: true,
            config: sentinelConfig,
            ...optionalPassword(options.sentinelPassword),
            ...tlsSpec,
          },
          root,
        ),
      );
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const nodes = started.slice(0, 2).map((node) => node.handle);
  const sentinels = started.slice(2).map((node) => node.handle);

  const askSentinels = async (): Promise<HostPortAddress[]> => {
    const answers: HostPortAddress[] = [];
    for (const sentinel of sentinels.filter((item) => item.running)) {
      const reply = await withNodeClient(sentinel, (client) =>
        client.call('SENTINEL', 'get-master-addr-by-name', name),
      );
      if (!Array.isArray(reply)) throw new Error(`${sentinel.name} knows no master named ${name}`);
      answers.push({ host: String(reply[0]), port: Number(reply[1]) });
    }
    return answers;
  };
  const agreedMaster = async (): Promise<HostPortAddress | undefined> => {
    const answers = await askSentinels();
    const first = answers[0];
    return first !== undefined && answers.every((item) => item.port === first.port) ? first : undefined;
  };
  const nodeAt = (address: HostPortAddress): RedisNodeHandle => {
    const node = nodes.find((item) => item.port === address.port);
    if (node === undefined)
      throw new Error(`the sentinels name ${address.host}:${address.port}, not a node of this set`);
    return node;
  };
  const role = (node: RedisNodeHandle): Promise<InfoFields> =>
    withNodeClient(node, async (client) => parseInfo(await client.info('replication')));

  // A restarted old master rejoins in ~21 s on an idle machine, set by Sentinel's fixed periods
  // (not configurable): it waits 8 s (4 × the 2 s hello period) before converting a node that says
  // it is a master, and refreshes a healthy replica's INFO every 10 s. Under CI load that crossed
  // 30 s, so the default leaves room for it twice over.
  const waitForReplica = async (node: RedisNodeHandle, timeoutMs = 60_000): Promise<void> => {
    await waitFor(
      async () => {
        const master = await agreedMaster();
        if (master === undefined || master.port === node.port) return false;
        const info = await role(node);
        if (
          info.role !== 'slave' ||
          info.master_port !== String(master.port) ||
          info.master_link_status !== 'up'
        )
          return false;
        // Sentinels refresh a replica's state every 10 s: until each lists it as a healthy replica
        // it cannot be promoted (SENTINEL FAILOVER answers NOGOODSLAVE).
        for (const sentinel of sentinels.filter((item) => item.running)) {
          const replicas = await withNodeClient(sentinel, (client) =>
            client.call('SENTINEL', 'replicas', name),
          );
          const entry = (Array.isArray(replicas) ? replicas : [])
            .map(fieldsOf)
            .find((item) => item.port === String(node.port));
          if (entry?.flags !== 'slave' || entry['master-link-status'] !== 'ok') return false;
        }
        return true;
      },
      {
        timeoutMs,
        intervalMs: 50,
        description: `${node.name} replicating the master, and every sentinel seeing it healthy`,
      },
    );
  };
  const sentinelsSeeEverything = async (): Promise<boolean> => {
    for (const sentinel of sentinels) {
      const replicas = await withNodeClient(sentinel, (client) => client.call('SENTINEL', 'replicas', name));
      const others = await withNodeClient(sentinel, (client) => client.call('SENTINEL', 'sentinels', name));
      if (!Array.isArray(replicas) || replicas.length < 1 || !Array.isArray(others) || others.length < 2)
        return false;
    }
    return true;
  };

  const waitForNewMaster = async (previous: RedisNodeHandle, timeoutMs = 30_000): Promise<RedisNodeHandle> =>
    waitFor(
      async () => {
        const master = await agreedMaster();
        if (master === undefined || master.port === previous.port) return undefined;
        const node = nodeAt(master);
        return (await role(node)).role === 'master' ? node : undefined;
      },
      {
        timeoutMs,
        intervalMs: 50,
        description: `the sentinels to promote a master other than ${previous.name}`,
      },
    );

  const scheme = tls === undefined ? 'redis' : 'rediss';
  const dataUrl =
    options.password === undefined
      ? `${scheme}://127.0.0.1`
      : `${scheme}://:${encodeURIComponent(options.password)}@127.0.0.1`;
  const handle: RedisSentinelHandle = {
    name,
    nodes,
    sentinels,
    dir: root,
    tls,
    url: dataUrl,
    env: {
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: sentinels.map((item) => `127.0.0.1:${item.port}`).join(','),
      REDIS_SENTINEL_NAME: name,
      REDIS_URL: dataUrl,
      ...(options.sentinelPassword === undefined
        ? {}
        : { REDIS_SENTINEL_PASSWORD: options.sentinelPassword }),
      ...(tls === undefined ? {} : { REDIS_TLS_CA_FILE: tls.caFile, REDIS_SENTINEL_TLS: 'true' }),
    },
    master: async () =>
      waitFor(agreedMaster, {
        timeoutMs: 10_000,
        intervalMs: 50,
        description: 'the sentinels to agree on a master',
      }),
    masterNode: async () => nodeAt(await handle.master()),
    waitForNewMaster,
    waitForReplica,
    failover: async (timeoutMs = 30_000) => {
      const killed = await handle.masterNode();
      const killedAt = Date.now();
      await killed.kill();
      const promoted = await waitForNewMaster(killed, timeoutMs);
      return { killed, promoted, killedAt };
    },
    pids: () => [...nodes, ...sentinels].flatMap((node) => node.pids),
    dispose: cleanup,
  };
  try {
    await waitForReplica(nodes[1] as RedisNodeHandle);
    await waitFor(sentinelsSeeEverything, {
      timeoutMs: 30_000,
      intervalMs: 50,
      description: 'every sentinel to see the replica and the two other sentinels',
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  return handle;
}

/** A sentinel answer entry: a flat [field, value, …] array (RESP2) or a map (RESP3). */
function fieldsOf(entry: unknown): Record<string, string> {
  if (Array.isArray(entry)) {
    const fields: Record<string, string> = {};
    for (let index = 0; index + 1 < entry.length; index += 2)
      fields[String(entry[index])] = String(entry[index + 1]);
    return fields;
  }
  if (entry instanceof Map)
    return Object.fromEntries([...entry].map(([key, value]) => [String(key), String(value)]));
  return {};
}

function optionalPassword(password: string | undefined): { password?: string } {
  return password === undefined ? {} : { password };
}
