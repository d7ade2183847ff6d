import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../../scripts/wdt-k3', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, WDT_K3_ADMIN_URL: 'http://127.0.0.1:9', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/wdt-k3, the CLI without pnpm around it', () => {
  it('prints exactly what the CLI prints, on the same streams, with its exit code', async () => {
    for (const args of [['--help'], ['failed', 'list', '--limit', 'x'], ['status']]) {
      const direct = await run(process.execPath, [MAIN, ...args]);
      const launched = await run(LAUNCHER, args);
      expect(launched, args.join(' ')).toEqual(direct);
    }
  });
});
