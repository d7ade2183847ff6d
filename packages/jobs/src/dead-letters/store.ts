import { describeIssues, type RedisConnection } from '@wdt-k3/runtime';
import type { Job } from 'bullmq';
import { type DeadLetterData, deadLetterSchema } from '../catalog.ts';
import { orderKeyOf } from '../events.ts';
import type { PipelineQueues } from '../open-queues.ts';
import { DEAD_LETTER_ERROR_CODES, DeadLetterError } from './errors.ts';

/**
 * The one id of an order's dead letter: its base job id (`so-<stockout_id>`), the order key of
 * the ledger. A replay (`so-X-r1`) or a re-check (`so-X-c<hash>`) that fails writes back to it.
 */
export const deadLetterIdOf = (jobId: string): string => orderKeyOf(jobId);

export interface LoadedDeadLetter {
  /** The id the letter is stored under: the base id, or a legacy replay id (`so-X-r1`). */
  readonly id: string;
  readonly job: Job;
  /** null when the job data fails the catalog schema; `problems` says why. */
  readonly letter: DeadLetterData | null;
  readonly problems: string[];
}

/** A stored letter's data, or null with the schema's complaints. */
export function parseDeadLetter(data: unknown): { letter: DeadLetterData | null; problems: string[] } {
  const parsed = deadLetterSchema.safeParse(data);
  return parsed.success
    ? { letter: parsed.data, problems: [] }
    : { letter: null, problems: describeIssues(parsed.error) };
}

/**
 * The dead letter of an order, by any of its job ids. A letter stored under exactly the id asked
 * for wins: only versions before letters had one home wrote one under a replay id (`so-X-r1`),
 * and it stays reachable by it; otherwise the order's letter under its base id.
 */
export async function findDeadLetter(
  queues: PipelineQueues,
  id: string,
): Promise<LoadedDeadLetter | undefined> {
  for (const candidate of new Set([id, deadLetterIdOf(id)])) {
    const job = await queues.failed.getJob(candidate);
    if (job !== undefined) return { id: candidate, job, ...parseDeadLetter(job.data) };
  }
  return undefined;
}

export async function loadDeadLetter(queues: PipelineQueues, id: string): Promise<LoadedDeadLetter> {
  const found = await findDeadLetter(queues, id);
  if (found === undefined)
    throw new DeadLetterError(DEAD_LETTER_ERROR_CODES.notFound, `no dead letter ${id}`, { id });
  return found;
}

/** Longer than any replay takes (a handful of round trips); it only bounds a lock left by a crash. */
const LOCK_TTL_MS = 60_000;

/** One lock per order (its base id), whichever of its ids an action was asked with. */
export function deadLetterLockKey(prefix: string, id: string): string {
  return `${prefix}:admin:lock:${deadLetterIdOf(id)}`;
}

export interface LockDeps {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly now: () => number;
  readonly onReleaseFailed?: (err: unknown, id: string) => void;
}

/**
 * One replay or discard per order at a time (across admin replicas and the loaders' parked
 * sweep). Two concurrent replays would put two order.load jobs for one order in flight, and two
 * loaders could then both find no bill in K3 and both save one.
 */
export async function withDeadLetterLock<T>(
  deps: LockDeps,
  id: string,
  action: () => Promise<T>,
): Promise<T> {
  const key = deadLetterLockKey(deps.prefix, id);
  if ((await deps.redis.set(key, String(deps.now()), 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    throw new DeadLetterError(
      DEAD_LETTER_ERROR_CODES.busy,
      `dead letter ${id} is being replayed or discarded right now`,
      { id },
    );
  }
  try {
    return await action();
  } finally {
    // A failed release only delays the next action on this letter until the TTL passes.
    await deps.redis.del(key).catch((err: unknown) => deps.onReleaseFailed?.(err, id));
  }
}
