import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { keySlot } from './key-slot.ts';
import type { Logger } from './logger.ts';
import type { RedisConnection, RedisSettings } from './redis.ts';

/**
 * Which Redis a connection uses and what it has seen, for `/health` and `wdt-k3 status`: one
 * contract, declared here and imported by the admin (response) and the CLI (reader).
 */
export const redisTopologySchema = z.object({
  mode: z.enum(['standalone', 'sentinel', 'cluster']),
  /** The client's state: `ready`, `connecting`, `reconnecting`, `end`, … */
  status: z.string(),
  /**
   * The node this connection writes to: the standalone server, the master the sentinels named,
   * or the master serving the pipeline's slot on a Cluster. null until first connected.
   */
  master: z.string().nullable(),
  /** Sentinel: the monitored master's name. */
  sentinelName: z.string().nullable(),
  /** The hash slot every key of the pipeline lives in (`{prefix}`). */
  slot: z.number().int(),
  /** How often this connection found a different master than before (failovers it rode out). */
  failoversSeen: z.number().int(),
  /** When the last one was noticed (epoch ms), null if none. */
  lastFailoverAt: z.number().nullable(),
});

export type RedisTopology = z.output<typeof redisTopologySchema>;

interface Tracker {
  readonly settings: RedisSettings;
  readonly slot: number;
  master: string | null;
  failoversSeen: number;
  lastFailoverAt: number | null;
}

const trackers = new WeakMap<RedisConnection, Tracker>();

const isCluster = (connection: RedisConnection): connection is Cluster =>
  (connection as { isCluster?: boolean }).isCluster === true;

/** host:port of the node the connection writes the pipeline's keys to, as the client knows it. */
function currentMaster(connection: RedisConnection, slot: number): string | null {
  if (isCluster(connection)) return connection.slots[slot]?.[0] ?? null;
  const stream = (connection as Redis).stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return stream?.remoteAddress === undefined || stream.remotePort === undefined
    ? null
    : `${stream.remoteAddress}:${stream.remotePort}`;
}

/**
 * Follows a connection's master: after each (re)connect, and on a Cluster after each slot-map
 * refresh (every 5 s, and on MOVED). A different master than before is a failover: counted and
 * logged once, naming both nodes.
 */
export function trackTopology(
  connection: RedisConnection,
  settings: RedisSettings,
  name: string,
  logger: Logger | undefined,
): void {
  const tracker: Tracker = {
    settings,
    slot: keySlot(settings.queuePrefix),
    master: null,
    failoversSeen: 0,
    lastFailoverAt: null,
  };
  trackers.set(connection, tracker);
  const observe = (): void => {
    const master = currentMaster(connection, tracker.slot);
    if (master === null || master === tracker.master) return;
    if (tracker.master !== null) {
      tracker.failoversSeen += 1;
      tracker.lastFailoverAt = Date.now();
      logger?.warn(
        { connection: name, mode: settings.mode, from: tracker.master, to: master },
        'redis master changed (failover): now writing to the new master',
      );
    }
    tracker.master = master;
  };
  connection.on('ready', observe);
  if (isCluster(connection)) connection.on('refresh', observe);
}

/** What `trackTopology` knows about a connection made by `createRedis` (null for any other). */
export function redisTopology(connection: RedisConnection): RedisTopology | null {
  const tracker = trackers.get(connection);
  if (tracker === undefined) return null;
  return {
    mode: tracker.settings.mode,
    status: connection.status,
    master: tracker.master,
    sentinelName: tracker.settings.mode === 'sentinel' ? tracker.settings.sentinelName : null,
    slot: tracker.slot,
    failoversSeen: tracker.failoversSeen,
    lastFailoverAt: tracker.lastFailoverAt,
  };
}

/** One line for a health detail or a status field: `sentinel mymaster · master 10.0.0.5:6379 · 1 failover seen`. */
export function describeTopology(topology: RedisTopology): string {
  const what =
    topology.mode === 'sentinel'
      ? `sentinel ${topology.sentinelName ?? ''}`.trim()
      : topology.mode === 'cluster'
        ? `cluster (slot ${topology.slot})`
        : 'standalone';
  const failovers =
    topology.failoversSeen === 0
      ? 'no failover seen'
      : `${topology.failoversSeen} failover${topology.failoversSeen === 1 ? '' : 's'} seen`;
  return [what, `master ${topology.master ?? 'unknown'}`, topology.status, failovers].join(' · ');
}
