import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RedisTopology } from '@wdt-k3/runtime';
import { startProcess } from '@wdt-k3/testkit';
import type { Endpoints } from '../src/services.ts';

/** What an operator sees and does after a failover, through the admin API and the real CLI. */
const CLI_MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

export interface OperatorView {
  /** GET /health/ready's `redis` field. */
  readonly health: RedisTopology | null;
  /** The `Redis` line of `wdt-k3 status`, as printed. */
  readonly statusLine: string | undefined;
}

/** What an operator sees after the failover: /health/ready and `wdt-k3 status` (a real CLI process). */
export async function operatorView(endpoints: Endpoints): Promise<OperatorView> {
  const token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
  const ready = (await (await fetch(`${endpoints.adminUrl}/health/ready`)).json()) as {
    redis?: RedisTopology | null;
  };
  const cli = startProcess(process.execPath, [CLI_MAIN, 'status'], {
    name: 'wdt-k3 status',
    env: { WDT_K3_ADMIN_URL: endpoints.adminUrl, WDT_K3_ADMIN_TOKEN: token, NO_COLOR: '1' },
  });
  const exit = await cli.exited;
  if (exit.code !== 0) throw new Error(`wdt-k3 status exited ${exit.code}:\n${cli.lines.join('\n')}`);
  return { health: ready.redis ?? null, statusLine: cli.lines.find((line) => line.startsWith('Redis ')) };
}

/**
 * Replays one dead letter and discards another through the admin API, so the keys the admin
 * writes outside BullMQ (audit stream, replay sequence, per-dead-letter locks) exist for the
 * key-slot check.
 */
export async function exerciseAdmin(endpoints: Endpoints, deadLetterIds: readonly string[]): Promise<void> {
  const token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
  const [replayId, discardId] = deadLetterIds;
  if (replayId === undefined || discardId === undefined) throw new Error('need two dead letters');
  const call = async (method: string, path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${endpoints.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  };
  await call('POST', `/failed/${replayId}/replay`, { force: true });
  await call('DELETE', `/failed/${discardId}`, { reason: 'topology test: discard marker' });
}
