import { type DestinationStream, pino } from 'pino';
import { isAppError } from './app-error.ts';
import { ConfigError } from './config.ts';
import { createLogger } from './logger.ts';

export interface ConfigOrExitOptions {
  /** Where the lines go; stdout (the service's log stream) by default. */
  readonly destination?: DestinationStream;
  /** Ends the process; injectable so tests can watch it. */
  readonly exit?: (code: number) => never;
}

/** The problems of a configuration error, or undefined when `error` is something else. */
function configProblems(error: unknown): readonly string[] | undefined {
  if (error instanceof ConfigError) return error.problems;
  if (isAppError(error) && error.code === 'CONFIG_INVALID') return [error.message];
  return undefined;
}

/**
 * Runs a service's configuration loading (its `loadConfig`, a mapping profile…) before anything
 * else starts. A bad configuration becomes one JSON log line per problem — `level: fatal`,
 * `code: CONFIG_INVALID`, `source`, `problem`, `msg: "refusing to start"` — and exit code 1, with
 * no stack trace: under `restart: unless-stopped` the start is repeated forever, and a
 * multi-line trace per attempt buried the one line that says what to fix. Any other error is
 * rethrown untouched, since an unexpected failure deserves its stack.
 *
 * Problems name settings and entries, never their values' secrets (each config.ts words them so).
 */
export async function configOrExit<T>(
  service: string,
  load: () => T | Promise<T>,
  options: ConfigOrExitOptions = {},
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const problems = configProblems(error);
    if (problems === undefined) throw error;
    // Synchronous: pino's default stdout is asynchronous, and exiting right after it wrote the
    // lines out of order (seen in the e2e test: the last problem came first).
    const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
    const logger = createLogger({ level: 'info', service }, destination);
    const source = error instanceof ConfigError ? error.source : 'configuration';
    for (const problem of problems)
      logger.fatal({ code: 'CONFIG_INVALID', source, problem }, 'refusing to start');
    return (options.exit ?? process.exit)(1);
  }
}
