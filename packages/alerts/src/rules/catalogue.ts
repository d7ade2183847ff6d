import { envBoolean, envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../severity.ts';
import { credentialsRule } from './credentials.ts';
import { deadLettersRule } from './dead-letters.ts';
import { channelFailingRule } from './delivery.ts';
import { runFailedRule, ticksMissingRule, watermarkLagRule, wdtRateLimitRule } from './extraction.ts';
import { changedAfterSaveRule, ledgerLagRule } from './ledger.ts';
import { fleetStalledRule, k3FailureRateRule, ordersWaitingRule } from './loading.ts';
import { reconciliationRule } from './reconciliation.ts';
import type { AlertRule } from './types.ts';

/**
 * Every rule, in the order the README lists them. A new rule is one `defineRule({...})` in a file
 * of this folder and one entry here (and, for a new kind of input, a source in sources/collect.ts).
 */
export const RULES: readonly AlertRule[] = [
  deadLettersRule,
  credentialsRule,
  watermarkLagRule,
  ticksMissingRule,
  runFailedRule,
  ordersWaitingRule,
  fleetStalledRule,
  wdtRateLimitRule,
  k3FailureRateRule,
  ledgerLagRule,
  changedAfterSaveRule,
  reconciliationRule,
  channelFailingRule,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

/** A rule as this deployment runs it: ALERT_RULES applied over the defaults. */
export interface ConfiguredRule {
  readonly rule: AlertRule;
  readonly enabled: boolean;
  readonly severity: Severity | null;
  readonly forMs: number;
  readonly settings: unknown;
}

const commonOverrides = z.strictObject({
  enabled: envBoolean.default(true),
  severity: z.enum(SEVERITIES).optional(),
  forMs: envInt.pipe(z.number().max(86_400_000)).optional(),
});
const COMMON_KEYS = new Set(Object.keys(commonOverrides.shape));

/**
 * `ALERT_RULES`: a JSON object of rule id → overrides, e.g.
 * `{"dead-letters":{"minOrders":5},"k3-failure-rate":{"ratio":0.3},"ledger-lag":{"enabled":false}}`.
 * Every rule runs with its defaults when it is absent. Problems go to `problems`, naming the key.
 */
export function configureRules(text: string | undefined, problems: string[]): ConfiguredRule[] {
  let overrides: Record<string, unknown> = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        problems.push('ALERT_RULES: must be a JSON object of rule id → settings');
      else overrides = parsed as Record<string, unknown>;
    } catch {
      problems.push('ALERT_RULES: not valid JSON');
    }
  }
  for (const id of Object.keys(overrides))
    if (!RULE_IDS.includes(id)) problems.push(`ALERT_RULES.${id}: no such rule (${RULE_IDS.join(', ')})`);
  return RULES.map((rule) => configureRule(rule, overrides[rule.id], problems));
}

function configureRule(rule: AlertRule, raw: unknown, problems: string[]): ConfiguredRule {
  const entry =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && entry !== raw) problems.push(`ALERT_RULES.${rule.id}: must be an object`);
  const common = Object.fromEntries(Object.entries(entry).filter(([key]) => COMMON_KEYS.has(key)));
  const own = Object.fromEntries(Object.entries(entry).filter(([key]) => !COMMON_KEYS.has(key)));
  const issues = (error: z.ZodError): string[] =>
    error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `ALERT_RULES.${rule.id}${path === '' ? '' : `.${path}`}: ${issue.message}`;
    });
  const parsedCommon = commonOverrides.safeParse(common);
  const parsedOwn = rule.settings.safeParse(own);
  if (!parsedCommon.success) problems.push(...issues(parsedCommon.error));
  if (!parsedOwn.success) problems.push(...issues(parsedOwn.error));
  return {
    rule,
    enabled: parsedCommon.success ? parsedCommon.data.enabled : true,
    severity: parsedCommon.success ? (parsedCommon.data.severity ?? null) : null,
    forMs: (parsedCommon.success ? parsedCommon.data.forMs : undefined) ?? rule.forMs,
    settings: parsedOwn.success ? parsedOwn.data : {},
  };
}

export function ruleById(id: string): AlertRule | undefined {
  return RULES.find((rule) => rule.id === id);
}
