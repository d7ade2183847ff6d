import type { PipelineQueues } from '@wdt-k3/jobs';

export interface Progress {
  readonly extracted: number;
  readonly completed: number;
  readonly saved: number;
  readonly alreadySaved: number;
  readonly deadLettered: number;
}

const COUNTER = /^(loader_bills_saved_total|loader_bills_already_saved_total)\{[^}]*\} (\d+)/gm;

/** Sums the loaders' counters from their /metrics; a loader that does not answer counts 0. */
async function loaderCounters(opsPorts: readonly number[]): Promise<{ saved: number; alreadySaved: number }> {
  let saved = 0;
  let alreadySaved = 0;
  await Promise.all(
    opsPorts.map(async (port) => {
      try {
        const text = await (
          await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })
        ).text();
        for (const match of text.matchAll(COUNTER)) {
          if (match[1] === 'loader_bills_saved_total') saved += Number(match[2]);
          else alreadySaved += Number(match[2]);
        }
      } catch {
        // Stopped or restarting; the next poll counts it again.
      }
    }),
  );
  return { saved, alreadySaved };
}

export async function readProgress(
  queues: PipelineQueues,
  loaderOpsPorts: readonly number[],
): Promise<Progress> {
  const [counts, deadLettered, counters] = await Promise.all([
    queues.orders.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'completed', 'failed'),
    queues.failed.count(),
    loaderCounters(loaderOpsPorts),
  ]);
  const inOrders = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return { extracted: inOrders + deadLettered, completed: counts.completed ?? 0, deadLettered, ...counters };
}

const n = (value: number): string => value.toLocaleString('en-US');

export function progressLine(progress: Progress, total: number, ratePerSecond: number): string {
  return [
    `extracted ${n(progress.extracted)}/${n(total)}`,
    `saved ${n(progress.saved)}`,
    `already saved ${n(progress.alreadySaved)}`,
    `dead-lettered ${n(progress.deadLettered)}`,
    `${n(Math.round(ratePerSecond))} orders/s`,
  ].join(' · ');
}
