/** Alert severities, least to most urgent. A channel's `minSeverity` lets through its level and above. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export const atLeast = (severity: Severity, minimum: Severity): boolean =>
  severityRank(severity) >= severityRank(minimum);
