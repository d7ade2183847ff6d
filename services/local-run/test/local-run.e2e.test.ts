import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitFor } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/reconcile.ts';

const START = fileURLToPath(new URL('../../../scripts/start.sh', import.meta.url));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the README run command', () => {
  it('runs the pipeline, reconciles WDT against the K3 simulator, and stops cleanly on Ctrl-C', async () => {
    const summaryPath = join(tmpdir(), `wdtk3-summary-${process.pid}-${Date.now()}.json`);
    const run = startProcess(
      'bash',
      [
        START,
        '--orders',
        '400',
        '--invalid-rate',
        '0.05',
        '--k3-fault-rate',
        '0.1',
        '--summary-json',
        summaryPath,
      ],
      {
        name: 'local-run',
        env: { REDIS_URL: '' },
      },
    );
    let pids: number[] = [];
    try {
      await run.waitForLine(/^ {2}reconciled: every order/, 150_000);
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
      expect(summary).toMatchObject({
        orders: 400,
        missing: 0,
        duplicated: 0,
        inBoth: 0,
        unexplainedBills: 0,
        ok: true,
      });
      expect(summary.inK3 + summary.deadLettered).toBe(400);
      expect(summary.deadLettered).toBeGreaterThan(0);
      // …and the product's own reconciliation of the same days (issue 17) agrees with it.
      await run.waitForLine(/^ {2}the reconciliation \(rc-[a-z0-9-]+\) agrees with the local check$/, 60_000);
      expect(summary.reconciliation).toMatchObject({ agrees: true });

      // The summary against the K3 simulator itself, which is still up.
      const k3Url = (await run.waitForLine(/^ {2}k3cloud-sim {2}http/)).trim().split(/\s+/)[1] as string;
      const bills = (await (await fetch(`${k3Url}/_sim/bills?formId=SAL_OUTSTOCK&limit=10000`)).json()) as {
        count: number;
        bills: Array<{ FBillNo: string }>;
      };
      expect(bills.count).toBe(summary.k3Bills);
      expect(new Set(bills.bills.map((bill) => bill.FBillNo)).size).toBe(summary.inK3);

      pids = run.lines.flatMap((line) => {
        const match = /^ {2}started \S+\s+pid (\d+)$/.exec(line);
        return match === null ? [] : [Number(match[1])];
      });
      // Both simulators, the ledger, two loaders, admin, the reconciler, the extractor, the alerter and
      // the robot simulator.
      expect(pids.length).toBe(10);
    } finally {
      // Ctrl-C also when an assertion above failed: a failing test must not leave the pipeline running.
      run.signal('SIGINT');
    }
    expect((await run.exited).code).toBe(0);
    await waitFor(() => pids.every((pid) => !alive(pid)), { description: 'no child process left' });
  });

  it('names both Redis options when neither REDIS_URL nor redis-server is there', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    // Only Node on PATH: no redis-server.
    const run = startProcess(process.execPath, [main, '--orders', '10'], {
      name: 'local-run-no-redis',
      env: { REDIS_URL: '', PATH: dirname(process.execPath) },
    });
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    const output = run.lines.join('\n');
    expect(output).toMatch(/install redis-server/);
    expect(output).toMatch(/REDIS_URL/);
  });
});
