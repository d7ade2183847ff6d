import type { PipelineQueues, SyncState } from '@wdt-k3/jobs';
import { formatBeijingTime, type Logger } from '@wdt-k3/runtime';
import type { ExtractorMetrics } from './metrics.ts';

export interface GuardianDeps {
  readonly state: SyncState;
  readonly queues: PipelineQueues;
  readonly metrics: ExtractorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Re-creates the tick scheduler and the sync queue's global concurrency. */
  readonly restoreScheduling: () => Promise<void>;
  readonly schedulerExists: () => Promise<boolean>;
  readonly startFromMs: number | undefined;
  readonly dataLossRewindMs: number;
}

const DAY_MS = 86_400_000;

/**
 * Notices when Redis lost the deployment's state and rebuilds what extraction needs. Found from
 * outside: after Redis came back empty the tick scheduler — created only at start — was gone, and
 * nothing was extracted, logged or alerted until someone restarted the extractor by hand.
 *
 * An epoch id is written at start; every `EXTRACT_GUARD_INTERVAL_MS` and after every reconnect a
 * replica checks it is still there and the same. When it is not, the queues, dead letters and
 * watermark are gone too: the replica says so (log, `extractor_redis_data_lost_total`),
 * re-creates the scheduler, and plans again from the last watermark it saw minus
 * `EXTRACT_DATA_LOSS_REWIND_MS` (never before `EXTRACT_START_FROM`), so orders whose jobs or dead
 * letters were lost are read again; the loader's check by bill number keeps that duplicate-free.
 */
export function createGuardian(deps: GuardianDeps) {
  let epoch: string | null = null;
  let lastWatermark: number | null = null;
  let running: Promise<void> | null = null;

  const rewindTarget = (): number => {
    const floor = deps.startFromMs ?? Number.NEGATIVE_INFINITY;
    if (lastWatermark === null) return deps.startFromMs ?? deps.now() - DAY_MS;
    return Math.max(floor, lastWatermark - deps.dataLossRewindMs);
  };

  const heal = async (found: string | null): Promise<void> => {
    deps.metrics.redisDataLost.inc();
    const target = rewindTarget();
    deps.logger.error(
      {
        expectedEpoch: epoch,
        foundEpoch: found,
        lastWatermark: lastWatermark === null ? null : formatBeijingTime(lastWatermark),
        rereadFrom: formatBeijingTime(target),
      },
      'redis lost its data (queues, dead letters, watermark): rebuilding the scheduler and reading again',
    );
    const { epoch: now } = await deps.state.ensureEpoch();
    epoch = now;
    await deps.state.initWatermark(target);
    await deps.restoreScheduling();
  };

  const check = async (): Promise<void> => {
    const found = await deps.state.getEpoch();
    if (epoch !== null && found !== epoch) {
      await heal(found);
      return;
    }
    if (epoch === null) epoch = (await deps.state.ensureEpoch()).epoch;
    const watermark = await deps.state.getWatermark();
    if (watermark !== null) lastWatermark = watermark;
    if (!(await deps.schedulerExists())) {
      deps.logger.warn('the tick scheduler was gone: re-created');
      await deps.restoreScheduling();
    }
  };

  return {
    /** Runs one check (at most one at a time); Redis errors are the connection's to report. */
    check: (): Promise<void> => {
      running ??= check()
        .catch((err: unknown) =>
          deps.logger.debug({ err: { message: (err as Error).message } }, 'guard check could not run'),
        )
        .finally(() => {
          running = null;
        });
      return running;
    },
  };
}

export type Guardian = ReturnType<typeof createGuardian>;
