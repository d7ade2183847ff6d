import { rm } from 'node:fs/promises';
import { startProcess } from './process.ts';
import {
  type FailoverResult,
  makeFixtureRoot,
  parseInfo,
  type RedisNodeHandle,
  type RedisNodeInternals,
  startRedisNode,
  withNodeClient,
} from './redis-node.ts';
import { createTestCertificates, type TestCertificates } from './tls-certs.ts';
import { waitFor } from './wait-for.ts';

export interface RedisClusterOptions {
  /** requirepass / masterauth of every node. */
  readonly password?: string;
  /** cluster-node-timeout: how long a master may not answer before its replica takes over (default 1000 ms). */
  readonly nodeTimeoutMs?: number;
  /** Every node serves TLS only (clients, replication and the cluster bus), with a throwaway CA. */
  readonly tls?: boolean;
}

/** One line of CLUSTER NODES, as the node asked sees the cluster. */
export interface ClusterNodeView {
  readonly id: string;
  readonly port: number;
  readonly flags: readonly string[];
  /** The master's id for a replica, null for a master. */
  readonly masterId: string | null;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

/** Three masters with one replica each, every node on its own port (and bus port) and data dir. */
export interface RedisClusterHandle {
  /** `node-0` … `node-5`; `redis-cli --cluster create` made the first three masters. */
  readonly nodes: readonly RedisNodeHandle[];
  readonly dir: string;
  /** The certificates when started with `tls`. */
  readonly tls: TestCertificates | undefined;
  /** `redis://[:password@]127.0.0.1` — the REDIS_URL that carries the credentials. */
  readonly url: string;
  /** The documented settings a service needs (REDIS_MODE=cluster, REDIS_CLUSTER_NODES, REDIS_URL). */
  readonly env: Readonly<Record<string, string>>;
  /** CLUSTER KEYSLOT, asked of a running node. */
  keySlot(key: string): Promise<number>;
  /** CLUSTER KEYSLOT of many keys at once (one pipeline), in order. */
  keySlots(keys: readonly string[]): Promise<number[]>;
  /** CLUSTER COUNTKEYSINSLOT, asked of the slot's master. */
  countKeysInSlot(slot: number): Promise<number>;
  /** CLUSTER NODES as a running node sees it. */
  view(): Promise<ClusterNodeView[]>;
  /** The node serving `slot`, as every running node agrees. */
  masterOf(slot: number): Promise<RedisNodeHandle>;
  /** Waits until every running node reports cluster_state:ok and agrees on the master of every slot. */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  /** kill -9 the master of `slot`, then wait until its replica serves the slot for every running node. */
  failover(slot: number, timeoutMs?: number): Promise<FailoverResult>;
  /** Waits until `node` is a replica with its link to its master up. */
  waitForReplica(node: RedisNodeHandle, timeoutMs?: number): Promise<void>;
  /** Every key on every running master, with the node holding it. */
  keys(): Promise<Array<{ readonly node: string; readonly key: string }>>;
  pids(): number[];
  /** Kills every node (by process group) and deletes every data dir. */
  dispose(): Promise<void>;
}

export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.trim().split(' ');
      const port = Number(/:(\d+)@/.exec(address ?? '')?.[1]);
      return {
        id: id ?? '',
        port,
        flags: (flags ?? '').split(','),
        masterId: master === undefined || master === '-' ? null : master,
        slots: slots
          .filter((slot) => !slot.startsWith('['))
          .map((slot) => {
            const [from, to] = slot.split('-').map(Number);
            return [from ?? 0, to ?? from ?? 0] as const;
          }),
      };
    });
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000;
  const root = await makeFixtureRoot('cluster');
  const started: RedisNodeInternals[] = [];
  const tls = options.tls === true ? await createTestCertificates(root) : undefined;
  const cleanup = async (): Promise<void> => {
    await Promise.all(started.map((node) => node.handle.kill()));
    await rm(root, { recursive: true, force: true });
  };
  const config = [
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${nodeTimeoutMs}`,
    'appendonly yes',
    'appendfsync always',
    'save ""',
    'maxmemory-policy noeviction',
    ...(tls === undefined ? [] : ['tls-replication yes', 'tls-cluster yes']),
    ...(options.password === undefined
      ? []
      : [`requirepass ${options.password}`, `masterauth ${options.password}`]),
  ];
  try {
    for (let index = 0; index < 6; index += 1) {
      started.push(
        await startRedisNode(
          {
            name: `node-${index}`,
            config,
            withBusPort: true,
            ...(options.password === undefined ? {} : { password: options.password }),
            ...(tls === undefined ? {} : { tls }),
          },
          root,
        ),
      );
    }
    await createCluster(
      started.map((node) => node.handle.port),
      options.password,
      tls,
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  const nodes = started.map((node) => node.handle);
  const running = (): RedisNodeHandle[] => nodes.filter((node) => node.running);
  const firstRunning = (): RedisNodeHandle => {
    const node = running()[0];
    if (node === undefined) throw new Error('no node of the cluster is running');
    return node;
  };
  const viewOf = async (node: RedisNodeHandle): Promise<ClusterNodeView[]> =>
    parseClusterNodes(String(await withNodeClient(node, (client) => client.call('CLUSTER', 'NODES'))));
  const servingMaster = (view: readonly ClusterNodeView[], slot: number): ClusterNodeView | undefined =>
    view.find(
      (item) =>
        item.flags.includes('master') &&
        !item.flags.includes('fail') &&
        item.slots.some(([from, to]) => slot >= from && slot <= to),
    );
  const nodeWithPort = (port: number): RedisNodeHandle => {
    const node = nodes.find((item) => item.port === port);
    if (node === undefined) throw new Error(`port ${port} is no node of this cluster`);
    return node;
  };
  /** The master of `slot` when every running node agrees and sees the cluster as ok. */
  const agreedMaster = async (slot: number): Promise<RedisNodeHandle | undefined> => {
    let port: number | undefined;
    for (const node of running()) {
      const info = parseInfo(String(await withNodeClient(node, (client) => client.call('CLUSTER', 'INFO'))));
      if (info.cluster_state !== 'ok') return undefined;
      const master = servingMaster(await viewOf(node), slot);
      if (master === undefined || (port !== undefined && port !== master.port)) return undefined;
      port = master.port;
    }
    return port === undefined ? undefined : nodeWithPort(port);
  };
  const waitForHealthy = async (timeoutMs = 30_000): Promise<void> => {
    await waitFor(
      async () => {
        for (const slot of [0, 8192, 16383]) if ((await agreedMaster(slot)) === undefined) return false;
        return true;
      },
      { timeoutMs, intervalMs: 50, description: 'every running node to report cluster_state:ok and agree' },
    );
  };
  const waitForReplica = async (node: RedisNodeHandle, timeoutMs = 30_000): Promise<void> => {
    await waitFor(
      async () => {
        const info = await withNodeClient(node, async (client) =>
          parseInfo(await client.info('replication')),
        );
        return info.role === 'slave' && info.master_link_status === 'up';
      },
      { timeoutMs, intervalMs: 50, description: `${node.name} to replicate a master with its link up` },
    );
  };
  const scheme = tls === undefined ? 'redis' : 'rediss';
  const dataUrl =
    options.password === undefined
      ? `${scheme}://127.0.0.1`
      : `${scheme}://:${encodeURIComponent(options.password)}@127.0.0.1`;
  const handle: RedisClusterHandle = {
    nodes,
    dir: root,
    tls,
    url: dataUrl,
    env: {
      REDIS_MODE: 'cluster',
      REDIS_CLUSTER_NODES: nodes.map((node) => `127.0.0.1:${node.port}`).join(','),
      REDIS_URL: dataUrl,
      ...(tls === undefined ? {} : { REDIS_TLS_CA_FILE: tls.caFile }),
    },
    keySlot: async (key) =>
      Number(await withNodeClient(firstRunning(), (client) => client.call('CLUSTER', 'KEYSLOT', key))),
    keySlots: (keys) =>
      withNodeClient(firstRunning(), async (client) => {
        const pipeline = client.pipeline();
        for (const key of keys) pipeline.call('CLUSTER', 'KEYSLOT', key);
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([err, slot]) => {
          if (err !== null) throw err;
          return Number(slot);
        });
      }),
    countKeysInSlot: async (slot) =>
      Number(
        await withNodeClient(await handle.masterOf(slot), (client) =>
          client.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)),
        ),
      ),
    view: () => viewOf(firstRunning()),
    masterOf: (slot) =>
      waitFor(() => agreedMaster(slot), {
        timeoutMs: 10_000,
        intervalMs: 50,
        description: `the nodes to agree on the master of slot ${slot}`,
      }),
    waitForHealthy,
    waitForReplica,
    failover: async (slot, timeoutMs = 30_000) => {
      const killed = await handle.masterOf(slot);
      const killedAt = Date.now();
      await killed.kill();
      const promoted = await waitFor(
        async () => {
          const master = await agreedMaster(slot);
          return master !== undefined && master !== killed ? master : undefined;
        },
        { timeoutMs, intervalMs: 50, description: `a replica of ${killed.name} to take over slot ${slot}` },
      );
      return { killed, promoted, killedAt };
    },
    keys: async () => {
      const found: Array<{ node: string; key: string }> = [];
      for (const node of running()) {
        const info = await withNodeClient(node, async (client) =>
          parseInfo(await client.info('replication')),
        );
        if (info.role !== 'master') continue;
        await withNodeClient(node, async (client) => {
          let cursor = '0';
          do {
            const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
            cursor = next;
            for (const key of batch) found.push({ node: node.name, key });
          } while (cursor !== '0');
        });
      }
      return found;
    },
    pids: () => nodes.flatMap((node) => node.pids),
    dispose: cleanup,
  };
  try {
    await waitForHealthy();
    for (const node of nodes.slice(3)) await waitForReplica(node);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return handle;
}

/**
 * `redis-cli --cluster create` (from redis-tools, which redis-server depends on): slots split in
 * three, one replica per master, as an operator would do it.
 */
async function createCluster(
  ports: readonly number[],
  password: string | undefined,
  tls: TestCertificates | undefined,
): Promise<void> {
  const args = [
    '--cluster',
    'create',
    ...ports.map((port) => `127.0.0.1:${port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
    ...(password === undefined ? [] : ['-a', password, '--no-auth-warning']),
    ...(tls === undefined ? [] : ['--tls', '--cacert', tls.caFile]),
  ];
  const cli = startProcess('redis-cli', args, { name: 'redis-cli --cluster create' });
  const exit = await cli.exited;
  if (exit.code !== 0 || !cli.lines.some((line) => line.includes('All 16384 slots covered'))) {
    throw new Error(
      `redis-cli --cluster create failed (${exit.code ?? exit.signal}):\n${cli.lines.join('\n')}`,
    );
  }
}
