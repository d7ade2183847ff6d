import type { Logger } from './logger.ts';

export interface ShutdownStep {
  readonly name: string;
  /** Upper bound for this step; when it passes the step is abandoned and the next one runs. */
  readonly timeoutMs: number;
  readonly run: () => Promise<unknown> | unknown;
}

export interface Shutdown {
  /** Runs every step once, in order. Later calls return the first call's promise. */
  (reason: string): Promise<void>;
  readonly started: boolean;
}

const TIMED_OUT = Symbol('timed out');

/**
 * One idempotent shutdown per service (bullmq `Worker.close` style): steps run in order, each
 * bounded in time; a failing or hanging step is logged and the rest still run.
 */
export function createShutdown(logger: Logger, steps: readonly ShutdownStep[]): Shutdown {
  let pending: Promise<void> | undefined;
  const run = async (reason: string): Promise<void> => {
    logger.info({ reason }, 'shutdown started');
    for (const step of steps) {
      const startedAt = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const outcome = await Promise.race([
          Promise.resolve().then(step.run),
          new Promise<typeof TIMED_OUT>((resolve) => {
            timer = setTimeout(() => resolve(TIMED_OUT), step.timeoutMs);
          }),
        ]);
        const elapsedMs = Math.round(performance.now() - startedAt);
        if (outcome === TIMED_OUT)
          logger.warn({ step: step.name, timeoutMs: step.timeoutMs }, 'shutdown step timed out');
        else logger.debug({ step: step.name, elapsedMs }, 'shutdown step done');
      } catch (err) {
        logger.error({ step: step.name, err }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
    logger.info({ reason }, 'shutdown complete');
  };
  const shutdown = ((reason: string) => {
    pending ??= run(reason);
    return pending;
  }) as Shutdown;
  Object.defineProperty(shutdown, 'started', { get: () => pending !== undefined });
  return shutdown;
}

export interface SignalOptions {
  /** Exit code after a signal-triggered shutdown completes (default 0). */
  readonly exit?: (code: number) => void;
}

/**
 * SIGINT/SIGTERM → shutdown → exit 0. A second signal while shutting down exits at once with 130.
 * uncaughtException / unhandledRejection → log, shutdown, exit 1, and let the orchestrator restart
 * us: a process in an unknown state must not keep taking jobs.
 */
export function installProcessHandlers(
  shutdown: Shutdown,
  logger: Logger,
  options: SignalOptions = {},
): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.started) {
      logger.warn({ signal }, 'second signal during shutdown, exiting now');
      exit(130);
      return;
    }
    void shutdown(signal).then(() => exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onFatal = (err: unknown, origin: string): void => {
    logger.fatal({ err, origin }, 'fatal error, shutting down');
    void shutdown(origin).then(() => exit(1));
  };
  process.on('uncaughtException', (err) => onFatal(err, 'uncaughtException'));
  process.on('unhandledRejection', (err) => onFatal(err, 'unhandledRejection'));
}
