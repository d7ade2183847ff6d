import { describe, expect, it } from 'vitest';
import { configureRules } from '../rules/catalogue.ts';
import type { Finding } from '../rules/types.ts';
import { type EvaluationSettings, evaluate } from './evaluate.ts';
import type { AlertState, Silence } from './types.ts';

const SETTINGS: EvaluationSettings = {
  repeatIntervalMs: 4 * 3_600_000,
  groupIntervalMs: 5 * 60_000,
  resolveAfterMs: 60_000,
  resolvedRetentionMs: 86_400_000,
};
const deadLetters = (() => {
  const rule = configureRules(undefined, []).find((c) => c.rule.id === 'dead-letters');
  if (rule === undefined) throw new Error('no dead-letters rule');
  return rule;
})();

const finding = (count: number): Finding => ({
  subject: 'K3_BASEDATA_MISSING',
  value: count,
  since: 1_000,
  facts: { count },
});

/** Runs evaluations in order, carrying state, and lists the messages each produced. */
function run(steps: ReadonlyArray<{ at: number; count: number | null; silences?: Silence[] }>) {
  let states = new Map<string, AlertState>();
  let id = 0;
  const messages: string[] = [];
  for (const step of steps) {
    const result = evaluate({
      now: step.at,
      states,
      outcomes: [{ configured: deadLetters, findings: step.count === null ? [] : [finding(step.count)] }],
      silences: step.silences ?? [],
      settings: SETTINGS,
      newId: () => {
        id += 1;
        return String(id);
      },
    });
    const next = new Map(states);
    for (const key of result.deleted) next.delete(key);
    for (const state of result.changed) next.set(state.key, state);
    states = next;
    for (const n of result.notifications) messages.push(`${step.at}:${n.kind}:${n.value}`);
  }
  return { messages, states };
}

const silence = (kind: Silence['kind'], until: number): Silence => ({
  id: 's1',
  rule: 'dead-letters',
  key: null,
  kind,
  createdAt: 0,
  until,
  by: 'ops',
  reason: 'known',
});

describe('the alert state machine', () => {
  it('waits forMs, fires once, stays quiet while nothing grows, and resolves after the hysteresis', () => {
    const { messages, states } = run([
      { at: 10_000, count: 3 },
      { at: 20_000, count: 30 },
      { at: 40_000, count: 37 },
      { at: 55_000, count: 37 },
      { at: 70_000, count: null },
      { at: 100_000, count: null },
      { at: 130_001, count: null },
      { at: 140_000, count: null },
    ]);
    expect(messages).toEqual(['40000:firing:37', '130001:resolved:37']);
    expect(states.get('dead-letters:K3_BASEDATA_MISSING')?.status).toBe('resolved');
  });

  it('drops a pending alert that vanished before it fired, without a message', () => {
    const { messages, states } = run([
      { at: 0, count: 1 },
      { at: 10_000, count: null },
    ]);
    expect(messages).toEqual([]);
    expect(states.size).toBe(0);
  });

  it('keeps firing through a blip shorter than the hysteresis', () => {
    const { messages } = run([
      { at: 0, count: 5 },
      { at: 30_000, count: 5 },
      { at: 40_000, count: null },
      { at: 60_000, count: 5 },
      { at: 200_000, count: null },
    ]);
    expect(messages).toEqual(['30000:firing:5']);
  });

  it('sends an update when the number grows, at most once per group interval, and a reminder after the repeat interval', () => {
    const { messages } = run([
      { at: 0, count: 5 },
      { at: 30_000, count: 5 },
      { at: 60_000, count: 50 },
      { at: 30_000 + 5 * 60_000, count: 60 },
      { at: 30_000 + 6 * 60_000, count: 60 },
      { at: 30_000 + 5 * 60_000 + 4 * 3_600_000, count: 60 },
    ]);
    expect(messages).toEqual(['30000:firing:5', '330000:update:60', '14730000:reminder:60']);
  });

  it('a silence suppresses every message, and an alert silenced from the start fires when it ends', () => {
    const quiet = [silence('silence', 1_000_000)];
    const { messages } = run([
      { at: 0, count: 5, silences: quiet },
      { at: 30_000, count: 5, silences: quiet },
      { at: 999_999, count: 9, silences: quiet },
      { at: 1_000_000, count: 9, silences: quiet },
      { at: 1_000_001, count: 9, silences: quiet },
    ]);
    expect(messages).toEqual(['1000000:firing:9']);
  });

  it('a silence also swallows the resolve of what it hid; an acknowledgement lets the resolve through', () => {
    expect(
      run([
        { at: 0, count: 5, silences: [silence('silence', 9e9)] },
        { at: 30_000, count: 5, silences: [silence('silence', 9e9)] },
        { at: 40_000, count: null, silences: [silence('silence', 9e9)] },
        { at: 200_000, count: null, silences: [silence('silence', 9e9)] },
      ]).messages,
    ).toEqual([]);
    const ack = [silence('ack', 9e9)];
    expect(
      run([
        { at: 0, count: 5 },
        { at: 30_000, count: 5 },
        { at: 400_000, count: 50, silences: ack },
        { at: 30_000 + 4 * 3_600_000, count: 50, silences: ack },
        { at: 30_000 + 4 * 3_600_000 + 1, count: null, silences: ack },
        { at: 30_000 + 4 * 3_600_000 + 60_001, count: null, silences: ack },
      ]).messages,
    ).toEqual(['30000:firing:5', '14490001:resolved:50']);
  });

  it('leaves the alerts of a skipped rule alone and forgets those of a disabled one', () => {
    const { states } = run([
      { at: 0, count: 5 },
      { at: 30_000, count: 5 },
    ]);
    const skipped = evaluate({
      now: 9e9,
      states,
      outcomes: [{ configured: deadLetters, findings: null }],
      silences: [],
      settings: SETTINGS,
      newId: () => 'x',
    });
    expect(skipped).toEqual({ changed: [], deleted: [], notifications: [] });
    const disabled = evaluate({
      now: 9e9,
      states,
      outcomes: [{ configured: { ...deadLetters, enabled: false }, findings: [] }],
      silences: [],
      settings: SETTINGS,
      newId: () => 'x',
    });
    expect(disabled.deleted).toEqual(['dead-letters:K3_BASEDATA_MISSING']);
    expect(disabled.notifications).toEqual([]);
  });
});
