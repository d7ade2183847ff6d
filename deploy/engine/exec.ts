/**
 * Runs the Docker engine's tools (apt-get, dockerd, docker, compose, debootstrap) as real
 * processes, bounded in time, output captured and, for long steps, appended to a log file so a
 * failure can show its tail instead of hiding it.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface RunOptions {
  readonly cwd?: string;
  /** Added to (or, with `cleanEnv`, replacing) this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cleanEnv?: boolean;
  /** Killed (SIGKILL) past this; every step of the deploy tier is bounded. */
  readonly timeoutMs?: number;
  /** Append stdout and stderr to this file as they arrive. */
  readonly logFile?: string;
  /** Resolve with a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
  readonly input?: string;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly result: RunResult;

  constructor(message: string, result: RunResult) {
    super(message);
    this.result = result;
  }
}

const tail = (text: string, lines = 25): string => text.trimEnd().split('\n').slice(-lines).join('\n');

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const env = options.cleanEnv === true ? { ...options.env } : { ...process.env, ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const log = (chunk: string): void => {
      if (options.logFile !== undefined) appendFileSync(options.logFile, chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      log(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      log(chunk.toString());
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${command}: ${error.message}`, { code: null, stdout, stderr }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      const line = `${command} ${args.join(' ')}`;
      if (timedOut)
        reject(new CommandError(`${line}: killed after ${timeoutMs} ms\n${tail(stderr)}`, result));
      else if (code !== 0 && options.allowFailure !== true)
        reject(new CommandError(`${line}: exit ${code}\n${tail(stderr || stdout)}`, result));
      else resolve(result);
    });
    // A command that exits before reading its input (du, a fast failure) closes the pipe first:
    // the write then fails with EPIPE, which must not become an unhandled 'error' (seen: the
    // tier died on `du -m` after the bundle was written).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** True when `command` can be started at all (on PATH, or an existing path). */
export async function canRun(command: string, args: readonly string[] = ['--version']): Promise<boolean> {
  try {
    return (await run(command, args, { allowFailure: true, timeoutMs: 30_000 })).code === 0;
  } catch {
    return false;
  }
}
