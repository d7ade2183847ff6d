import { describe, expect, it } from 'vitest';
import { parseChannels } from '../channels/config.ts';
import type { Notification } from '../engine/types.ts';
import { superseded } from './deliver.ts';
import { routes } from './routing.ts';

const note = (over: Partial<Notification>): Notification => ({
  id: 'n',
  kind: 'firing',
  key: 'dead-letters:X',
  rule: 'dead-letters',
  severity: 'warning',
  subject: 'X',
  at: 0,
  since: 0,
  value: 1,
  facts: {},
  resolvedAt: null,
  requestedBy: null,
  ...over,
});

describe('routing', () => {
  const problems: string[] = [];
  const [all, critical, deadOnly, other] = parseChannels(
    {
      ALERT_CHANNELS: JSON.stringify([
        { type: 'slack', name: 'all', webhook: 'https://h/1', minSeverity: 'info' },
        { type: 'slack', name: 'critical', webhook: 'https://h/2', minSeverity: 'critical' },
        {
          type: 'slack',
          name: 'dead',
          webhook: 'https://h/3',
          rules: ['dead-*'],
          excludeRules: ['dead-letters'],
        },
        { type: 'slack', name: 'other', webhook: 'https://h/4' },
      ]),
    },
    problems,
  );

  it('applies the rule filter, the exclusions and the minimum severity', () => {
    expect(problems).toEqual([]);
    const n = note({});
    expect([all, critical, deadOnly, other].map((c) => (c === undefined ? null : routes(c, n)))).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(critical && routes(critical, note({ severity: 'critical', rule: 'credentials-refused' }))).toBe(
      true,
    );
  });

  it('keeps a failing channel’s own alert away from it', () => {
    const failing = note({
      rule: 'alert-channel-failing',
      key: 'alert-channel-failing:other',
      subject: 'other',
    });
    expect(other && routes(other, failing)).toBe(false);
    expect(all && routes(all, failing)).toBe(true);
  });
});

describe('superseded', () => {
  it('drops updates and reminders that a later notification of the same alert replaces, never a firing or a resolve', () => {
    const entries = [
      note({ id: '1', kind: 'firing' }),
      note({ id: '2', kind: 'update' }),
      note({ id: '3', kind: 'update', key: 'dead-letters:Y' }),
      note({ id: '4', kind: 'reminder' }),
      note({ id: '5', kind: 'resolved' }),
    ].map((n) => ({ raw: n.id, notification: n }));
    expect([...superseded([...entries, { raw: 'junk', notification: null }])].sort()).toEqual([
      '2',
      '4',
      'junk',
    ]);
  });
});
