import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Every stdout and stderr line seen so far, in arrival order. */
  readonly lines: readonly string[];
  readonly exited: Promise<ProcessExit>;
  readonly hasExited: boolean;
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal; SIGKILL is the kill -9 of the outage tests. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface StartProcessOptions {
  readonly name: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Echo lines to this process's stderr, prefixed by name (debugging). */
  readonly echo?: boolean;
  /** Called with every line (e.g. to write a log file). */
  readonly onLine?: (line: string) => void;
  /** Keep only the last N lines in memory (long-running processes); default all. */
  readonly maxLines?: number;
  /**
   * Own process group: a terminal's Ctrl-C then reaches only the parent, which stops its
   * children in order instead of all of them at once.
   */
  readonly detached?: boolean;
  /** Run as this user (the caller must be root): PostgreSQL refuses to run as root. */
  readonly uid?: number;
  readonly gid?: number;
}

/** Spawns a real process and follows its output, for end-to-end and outage tests. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions,
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  running.add(child);
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let hasExited = false;
  const onLine = (line: string): void => {
    lines.push(line);
    if (options.maxLines !== undefined && lines.length > options.maxLines) lines.shift();
    options.onLine?.(line);
    if (options.echo === true) process.stderr.write(`[${options.name}] ${line}\n`);
    for (const waiter of waiters) {
      if (waiter.pattern.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  if (child.stdout !== null) createInterface({ input: child.stdout }).on('line', onLine);
  if (child.stderr !== null) createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      running.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      hasExited = true;
      running.delete(child);
      onLine(`spawn error: ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `${options.name}: no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${lines.slice(-20).join('\n')}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then((exit) => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(
          new Error(
            `${options.name} exited (${exit.code ?? exit.signal}) before printing ${pattern}; last lines:\n${lines.slice(-20).join('\n')}`,
          ),
        );
      });
    });
  };

  return {
    name: options.name,
    pid: child.pid ?? -1,
    lines,
    exited,
    get hasExited() {
      return hasExited;
    },
    waitForLine,
    signal: (signal) => {
      if (!hasExited) child.kill(signal);
    },
    stop: async (graceMs = 10_000) => {
      if (hasExited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}
