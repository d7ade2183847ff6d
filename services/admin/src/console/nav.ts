import type { MessageKey } from './i18n.ts';

/**
 * The console's menu, in order. A new page (alerts, reconciliation) is one entry here, its
 * words in i18n.ts and its routes in a module registered in pages/index.ts.
 */
export interface NavEntry {
  readonly path: string;
  readonly label: MessageKey;
}

export const NAV: readonly NavEntry[] = [
  { path: '/console', label: 'navOverview' },
  { path: '/console/dead-letters', label: 'navDeadLetters' },
  { path: '/console/orders', label: 'navOrders' },
  { path: '/console/alerts', label: 'navAlerts' },
  { path: '/console/reconciliations', label: 'navReconcile' },
  { path: '/console/pipeline', label: 'navPipeline' },
  { path: '/console/audit', label: 'navAudit' },
];

/** The entry a path belongs to (the longest prefix), for the menu's current item. */
export function currentNav(path: string): NavEntry | undefined {
  return [...NAV]
    .sort((a, b) => b.path.length - a.path.length)
    .find((entry) => path === entry.path || path.startsWith(`${entry.path}/`));
}
