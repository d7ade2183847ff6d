import type { Activity, LoaderFleet } from '@wdt-k3/admin-contract';
import { readLoaderFleet } from '@wdt-k3/jobs';
import { activity } from '@wdt-k3/ledger';
import type pg from 'pg';
import type { AppContext } from './context.ts';
import { formatBeijing } from './instants.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Beijing is UTC+8 all year (no DST): its midnight is 16:00 UTC the day before. */
const BEIJING_OFFSET_MS = 8 * HOUR_MS;

/** The start (epoch ms) of the Beijing day holding `ms`. */
function beijingDayStart(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

/** Today and the `days − 1` Beijing days before it; the last 24 hours by the hour. */
export async function readActivity(pool: pg.Pool, nowMs: number, days: number): Promise<Activity> {
  const dayFrom = beijingDayStart(nowMs) - (days - 1) * DAY_MS;
  const hourTo = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const [byDay, byHour] = await Promise.all([
    activity(pool, dayFrom, nowMs + 1, 'day'),
    activity(pool, hourTo - 24 * HOUR_MS, hourTo, 'hour'),
  ]);
  const counts = ({ read, saved, alreadySaved, deadLettered }: (typeof byDay)[number]) => ({
    read,
    saved,
    alreadySaved,
    deadLettered,
  });
  return {
    days: byDay.map((row) => ({ day: row.bucket, ...counts(row) })),
    hours: byHour.map((row) => ({ hour: row.bucket, ...counts(row) })),
  };
}

export async function readFleet(ctx: AppContext): Promise<LoaderFleet> {
  const now = ctx.now();
  const fleet = await readLoaderFleet(ctx.redis, ctx.prefix, now);
  return {
    loaders: fleet.map((beat) => ({
      id: beat.id,
      host: beat.host,
      pid: beat.pid,
      startedAt: { ms: beat.startedAt, beijing: formatBeijing(beat.startedAt) },
      lastSeen: { ms: beat.lastSeenAt, beijing: formatBeijing(beat.lastSeenAt) },
      ageSeconds: beat.ageMs / 1000,
      alive: beat.alive,
      stopped: beat.stoppedAt !== null,
      concurrency: beat.concurrency,
      processed: beat.processed,
      failed: beat.failed,
      jobsPerSecond: beat.jobsPerSecond,
    })),
  };
}
