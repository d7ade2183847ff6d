import type { RedisConnection } from '@wdt-k3/runtime';
import {
  type AlertState,
  alertStateSchema,
  type ChannelStatus,
  channelStatusSchema,
  type Notification,
  readStored,
  type Silence,
  silenceSchema,
} from '../engine/types.ts';
import type { AlertKeys } from '../keys.ts';

/** Expired silences are kept this long for the listing, then dropped by the evaluator. */
export const SILENCE_HISTORY_MS = 7 * 86_400_000;

export async function readStates(redis: RedisConnection, keys: AlertKeys): Promise<Map<string, AlertState>> {
  const raw = await redis.hgetall(keys.state);
  const states = new Map<string, AlertState>();
  for (const value of Object.values(raw)) {
    const state = readStored(alertStateSchema, value);
    if (state !== null) states.set(state.key, state);
  }
  return states;
}

export async function readSilences(redis: RedisConnection, keys: AlertKeys): Promise<Silence[]> {
  const raw = await redis.hgetall(keys.silences);
  return Object.values(raw)
    .map((value) => readStored(silenceSchema, value))
    .filter((silence): silence is Silence => silence !== null)
    .sort((a, b) => b.createdAt - a.createdAt);
}

export async function readChannelStatuses(redis: RedisConnection, keys: AlertKeys): Promise<ChannelStatus[]> {
  const raw = await redis.hgetall(keys.channels);
  return Object.values(raw)
    .map((value) => readStored(channelStatusSchema, value))
    .filter((status): status is ChannelStatus => status !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

// The evaluation's writes in one fenced step: nothing happens unless ARGV[1] holds the lease.
// KEYS: lease, state hash, silences hash, then one outbox key per push target.
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local states = cjson.decode(ARGV[2])
for i = 1, #states, 2 do redis.call('HSET', KEYS[2], states[i], states[i + 1]) end
local deleted = cjson.decode(ARGV[3])
for i = 1, #deleted do redis.call('HDEL', KEYS[2], deleted[i]) end
local silences = cjson.decode(ARGV[4])
for i = 1, #silences do redis.call('HDEL', KEYS[3], silences[i]) end
local pushes = cjson.decode(ARGV[5])
for i = 1, #pushes, 2 do redis.call('RPUSH', KEYS[3 + pushes[i]], pushes[i + 1]) end
return 1
`;

export interface Commit {
  readonly changed: readonly AlertState[];
  readonly deleted: readonly string[];
  /** Silence ids past their history. */
  readonly expiredSilences: readonly string[];
  /** Notifications per channel name. */
  readonly pushes: ReadonlyArray<{ readonly channel: string; readonly notification: Notification }>;
}

/**
 * Writes an evaluation's state changes and queues its notifications atomically and only while
 * `instanceId` holds the lease: a crash between the two cannot lose a message or send it twice,
 * and a replica that lost the lease cannot write. False when it does not hold it.
 */
export async function commitEvaluation(
  redis: RedisConnection,
  keys: AlertKeys,
  instanceId: string,
  commit: Commit,
): Promise<boolean> {
  const channels = [...new Set(commit.pushes.map((push) => push.channel))];
  const states = commit.changed.flatMap((state) => [state.key, JSON.stringify(state)]);
  const pushes = commit.pushes.flatMap((push) => [
    channels.indexOf(push.channel) + 1,
    JSON.stringify(push.notification),
  ]);
  // cjson encodes an empty Lua table as {}: arrays are sent as JSON arrays, decoded by length.
  const result = await redis.eval(
    COMMIT,
    3 + channels.length,
    keys.lease,
    keys.state,
    keys.silences,
    ...channels.map((channel) => keys.outbox(channel)),
    instanceId,
    JSON.stringify(states),
    JSON.stringify(commit.deleted),
    JSON.stringify(commit.expiredSilences),
    JSON.stringify(pushes),
  );
  return result === 1;
}
