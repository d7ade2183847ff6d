import type { ConfiguredRule } from '../rules/catalogue.ts';
import type { Finding } from '../rules/types.ts';
import type { AlertState, Notification, NotificationKind, Silence, SilenceKind } from './types.ts';

export interface EvaluationSettings {
  /** A firing alert is repeated this often while nothing changes (Alertmanager's repeat_interval). */
  readonly repeatIntervalMs: number;
  /** At most one update per alert this often, when its number grows (group_interval). */
  readonly groupIntervalMs: number;
  /** A firing alert resolves after its finding has been gone this long (no flapping). */
  readonly resolveAfterMs: number;
  /** Resolved alerts stay listed this long. */
  readonly resolvedRetentionMs: number;
}

/** What one rule saw: `null` when it was skipped (a source it needs is missing) — its alerts stand. */
export interface RuleOutcome {
  readonly configured: ConfiguredRule;
  readonly findings: readonly Finding[] | null;
}

export interface EvaluationInput {
  readonly now: number;
  readonly states: ReadonlyMap<string, AlertState>;
  readonly outcomes: readonly RuleOutcome[];
  readonly silences: readonly Silence[];
  readonly settings: EvaluationSettings;
  readonly newId: () => string;
}

export interface EvaluationResult {
  /** States to write (new or changed). */
  readonly changed: AlertState[];
  /** Keys to delete: pending findings that vanished, resolved ones past retention, disabled rules. */
  readonly deleted: string[];
  readonly notifications: Notification[];
}

export const alertKeyOf = (ruleId: string, subject: string | null): string =>
  subject === null ? ruleId : `${ruleId}:${subject}`;

/** The strongest silence covering the alert now: `silence` beats `ack`. */
export function muteOf(
  state: Pick<AlertState, 'rule' | 'key'>,
  silences: readonly Silence[],
  now: number,
): SilenceKind | null {
  let found: SilenceKind | null = null;
  for (const silence of silences) {
    if (silence.until <= now || silence.rule !== state.rule) continue;
    if (silence.key !== null && silence.key !== state.key) continue;
    if (silence.kind === 'silence') return 'silence';
    found = 'ack';
  }
  return found;
}

const material = (state: AlertState): string => JSON.stringify({ ...state, updatedAt: 0 });

/**
 * The state machine, pure: pending → firing (after `forMs`) → update / reminder while firing →
 * resolved (after `resolveAfterMs` without the finding) → forgotten after the retention. One
 * message per transition, never one per evaluation; a silence suppresses every message, an
 * acknowledgement the updates and reminders only.
 */
export function evaluate(input: EvaluationInput): EvaluationResult {
  const { now } = input;
  const changed: AlertState[] = [];
  const deleted: string[] = [];
  const notifications: Notification[] = [];
  const notify = (state: AlertState, kind: NotificationKind): void => {
    notifications.push({
      id: input.newId(),
      kind,
      key: state.key,
      rule: state.rule,
      severity: state.severity,
      subject: state.subject,
      at: now,
      since: state.since,
      value: state.value,
      facts: state.facts,
      resolvedAt: state.resolvedAt,
      requestedBy: null,
    });
  };
  for (const outcome of input.outcomes) {
    const { configured } = outcome;
    const ruleId = configured.rule.id;
    const existing = [...input.states.values()].filter((state) => state.rule === ruleId);
    if (!configured.enabled) {
      deleted.push(...existing.map((state) => state.key));
      continue;
    }
    if (outcome.findings === null) continue;
    const seen = new Set<string>();
    for (const finding of outcome.findings) {
      const key = alertKeyOf(ruleId, finding.subject);
      if (seen.has(key)) continue;
      seen.add(key);
      const previous = input.states.get(key);
      const next = present(previous, finding, key, configured, now);
      const mute = muteOf(next, input.silences, now);
      const kind = firingMessage(next, previous, configured.forMs, mute, input.settings, now);
      if (kind !== null) {
        if (kind === 'firing') next.firingAt ??= now;
        next.status = 'firing';
        if (mute !== 'silence') {
          next.notified = true;
          next.lastNotifiedAt = now;
          next.lastNotifiedValue = next.value;
          notify(next, kind);
        }
      }
      if (previous === undefined || material(previous) !== material(next))
        changed.push({ ...next, updatedAt: now });
    }
    for (const state of existing) {
      if (seen.has(state.key)) continue;
      const gone = absent(state, input.silences, input.settings, now);
      if (gone === 'delete') deleted.push(state.key);
      else if (gone !== null) {
        changed.push({ ...gone.state, updatedAt: now });
        if (gone.notify) notify(gone.state, 'resolved');
      }
    }
  }
  return { changed, deleted, notifications };
}

/** The state after seeing the finding (mutable copy). */
function present(
  previous: AlertState | undefined,
  finding: Finding,
  key: string,
  configured: ConfiguredRule,
  now: number,
): AlertState {
  const severity = configured.severity ?? finding.severity ?? configured.rule.severity;
  const fresh = previous === undefined || previous.status === 'resolved';
  return {
    key,
    rule: configured.rule.id,
    severity,
    subject: finding.subject,
    status: fresh ? 'pending' : previous.status,
    since: finding.since,
    firstSeenAt: fresh ? now : previous.firstSeenAt,
    firingAt: fresh ? null : previous.firingAt,
    resolvedAt: null,
    value: finding.value,
    facts: finding.facts,
    lastNotifiedAt: fresh ? null : previous.lastNotifiedAt,
    lastNotifiedValue: fresh ? null : previous.lastNotifiedValue,
    notified: fresh ? false : previous.notified,
    clearSince: null,
    updatedAt: previous?.updatedAt ?? now,
  };
}

/** Which message, if any, a present finding calls for now. */
function firingMessage(
  next: AlertState,
  previous: AlertState | undefined,
  forMs: number,
  mute: SilenceKind | null,
  settings: EvaluationSettings,
  now: number,
): NotificationKind | null {
  if (next.status === 'pending') return now - next.firstSeenAt >= forMs ? 'firing' : null;
  if (mute === 'silence') return null;
  // Silenced from the start and the silence is over: nobody has heard of it yet.
  if (!next.notified) return 'firing';
  if (mute === 'ack' || previous === undefined) return null;
  const since = now - (next.lastNotifiedAt ?? 0);
  if (next.value > (next.lastNotifiedValue ?? Number.NEGATIVE_INFINITY) && since >= settings.groupIntervalMs)
    return 'update';
  return since >= settings.repeatIntervalMs ? 'reminder' : null;
}

/** A state whose finding is gone: deleted, cleared a while (resolved), or waiting to be sure. */
function absent(
  state: AlertState,
  silences: readonly Silence[],
  settings: EvaluationSettings,
  now: number,
): 'delete' | { state: AlertState; notify: boolean } | null {
  if (state.status === 'pending') return 'delete';
  if (state.status === 'resolved')
    return now - (state.resolvedAt ?? now) >= settings.resolvedRetentionMs ? 'delete' : null;
  const clearSince = state.clearSince ?? now;
  if (now - clearSince < settings.resolveAfterMs)
    return state.clearSince === null ? { state: { ...state, clearSince }, notify: false } : null;
  const resolved: AlertState = { ...state, status: 'resolved', resolvedAt: now, clearSince };
  return { state: resolved, notify: state.notified && muteOf(state, silences, now) !== 'silence' };
}
