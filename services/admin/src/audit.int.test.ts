import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';

describe('GET /audit with filters', () => {
  const redis = useRedisServer();
  let h: Harness;
  let clock = Date.parse('2026-11-30T10:00:00+08:00');
  beforeAll(async () => {
    h = await startHarness(redis().url, { now: () => clock });
  });
  afterAll(async () => h.close());

  const audit = async (query: string) => {
    const res = await h.app.inject({ method: 'GET', url: `/audit?${query}`, headers: bearer(READ) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      entries: Array<{ who: string; action: string; at: number }>;
      nextBefore: string | null;
    }>();
  };

  it('filters by who, action and time, newest first, and pages through the matches', async () => {
    for (const reason of ['one', 'two', 'three']) {
      await h.app.inject({
        method: 'POST',
        url: '/pipeline/pause',
        headers: bearer(FULL),
        payload: { reason },
      });
      clock += 60_000;
      await h.app.inject({ method: 'POST', url: '/pipeline/resume', headers: bearer(FULL), payload: {} });
      clock += 60_000;
    }
    const pauses = await audit('action=pipeline.pause');
    expect(pauses.entries.map((entry) => entry.action)).toEqual([
      'pipeline.pause',
      'pipeline.pause',
      'pipeline.pause',
    ]);
    expect(pauses.entries.map((entry) => entry.at)).toEqual(
      [...pauses.entries.map((e) => e.at)].sort((a, b) => b - a),
    );
    const first = await audit('action=pipeline.pause&limit=2');
    expect(first.entries).toHaveLength(2);
    const rest = await audit(`action=pipeline.pause&limit=2&before=${first.nextBefore}`);
    expect(rest.entries).toHaveLength(1);
    expect(rest.nextBefore).toBeNull();
    expect((await audit('who=ops')).entries).toHaveLength(6);
    expect((await audit('who=grafana')).entries).toEqual([]);
    // The second pause happened at 10:02 Beijing, the third at 10:04.
    const window = await audit('from=2026-11-30 10:02:00&to=2026-11-30 10:04:00');
    expect(window.entries.map((entry) => entry.action)).toEqual(['pipeline.resume', 'pipeline.pause']);
  });

  it('refuses a bad time in the one error shape', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/audit?from=yesterday', headers: bearer(READ) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ADMIN_BAD_REQUEST');
  });
});
