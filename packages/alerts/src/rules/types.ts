import type { Language } from '@wdt-k3/jobs';
import type { z } from 'zod';
import type { Severity } from '../severity.ts';
import type { Snapshot, SourceName } from '../sources/types.ts';

/** One alert a rule sees now: the rule's id plus `subject` make its key. */
export interface Finding {
  /** What within the rule (an error code, `wdt`/`k3`, a channel name); null for a rule with one alert. */
  readonly subject: string | null;
  /** The number that matters; growing while firing sends an update. */
  readonly value: number;
  /** When the problem began (epoch ms). */
  readonly since: number;
  /** What the message shows: the rule's own JSON-safe fields. */
  readonly facts: Readonly<Record<string, unknown>>;
  /** Per finding, when it differs from the rule's (a dead-letter code that heals by itself is info). */
  readonly severity?: Severity;
}

/** Deployment settings the rules share (the extractor's, read from the same env keys). */
export interface RuleEnvironment {
  readonly pollIntervalMs: number;
  readonly extractLagMs: number;
}

/** A finding as a message shows it. */
export interface FindingView {
  readonly subject: string | null;
  readonly value: number;
  readonly since: number;
  readonly facts: Readonly<Record<string, unknown>>;
}

/** What a rule says about one of its alerts, in one language. */
interface RuleText {
  /** A few words: `死信：K3 基础资料缺失`. */
  readonly title: string;
  /** One or two sentences with the numbers. */
  readonly summary: string;
  /** Label / value pairs (counts, numbers, samples). */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** What a person does now. */
  readonly action: string;
}

interface RuleDoc {
  readonly name: string;
  readonly meaning: string;
  readonly action: string;
}

export interface RuleDefinition<T> {
  /** Stable, kebab-case: it names the rule in ALERT_RULES, channel filters, silences and metrics. */
  readonly id: string;
  readonly severity: Severity;
  /** The snapshot parts it reads; absent ones skip it (its alerts keep their state). */
  readonly needs: readonly SourceName[];
  /** Its thresholds, with defaults; ALERT_RULES overrides them. */
  readonly settings: z.ZodType<T>;
  /** How long a finding must last before it fires (ALERT_RULES `forMs` overrides). */
  readonly forMs: number;
  readonly doc: Readonly<Record<Language, RuleDoc>>;
  evaluate(snapshot: Snapshot, settings: T, env: RuleEnvironment): Finding[];
  describe(finding: FindingView, language: Language): RuleText;
  /** The console page that acts on it, e.g. `/console/dead-letters?code=K3_BASEDATA_MISSING`. */
  link(finding: FindingView): string;
  /** The CLI command that acts on it. */
  command(finding: FindingView): string;
  /** A channel that must not get it (the failing channel itself). */
  excludeChannel?(finding: FindingView): string | null;
}

/** A rule with its settings type erased, as the catalogue holds it. */
export interface AlertRule extends Omit<RuleDefinition<unknown>, 'evaluate' | 'settings'> {
  readonly settings: z.ZodType<unknown>;
  evaluate(snapshot: Snapshot, settings: unknown, env: RuleEnvironment): Finding[];
}

export function defineRule<T>(definition: RuleDefinition<T>): AlertRule {
  return {
    ...definition,
    evaluate: (snapshot, settings, env) => definition.evaluate(snapshot, settings as T, env),
  };
}

/** `zh` or `en` by language. */
export const say = (language: Language, zh: string, en: string): string => (language === 'en' ? en : zh);
