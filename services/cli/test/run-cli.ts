import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Added to a clean environment: no WDT_K3_* or colour settings leak in from the caller. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the CLI's stdin, then closed. */
  readonly stdin?: string;
}

/** Every run's output, so a test can check that no secret ever appeared in any of them. */
export const allOutput: string[] = [];

function cleanEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('WDT_K3_') && !['NO_COLOR', 'FORCE_COLOR'].includes(key)) {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/**
 * Runs `node services/cli/src/main.ts …` as a real process. testkit's startProcess merges
 * stdout with stderr and gives no stdin; these tests need both apart (--json must be clean JSON
 * on stdout; errors go to stderr) and `--order-file -` reads stdin.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: cleanEnv(options.env ?? {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      allOutput.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The CLI against one admin with one token, the way an operator's shell would have it. */
export function cliFor(url: string, token: string | null) {
  return (args: readonly string[], options: RunOptions = {}) =>
    runCli(args, {
      ...options,
      env: {
        WDT_K3_ADMIN_URL: url,
        ...(token === null ? {} : { WDT_K3_ADMIN_TOKEN: token }),
        ...options.env,
      },
    });
}
