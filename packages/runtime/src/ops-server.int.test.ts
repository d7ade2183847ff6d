import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, startOpsServer } from './ops-server.ts';

describe('ops server over real HTTP', () => {
  it('serves Prometheus text and answers health by its checks', async () => {
    const registry = createMetricsRegistry('test');
    new Counter({ name: 'orders_seen_total', help: 'x', registers: [registry] }).inc(3);
    let redisOk = true;
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      checks: { redis: async () => (redisOk ? { ok: true } : { ok: false, detail: 'connection closed' }) },
    });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/orders_seen_total\{service="test"\} 3/);

      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      redisOk = false;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        ok: false,
        checks: { redis: { ok: false, detail: 'connection closed' } },
      });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
