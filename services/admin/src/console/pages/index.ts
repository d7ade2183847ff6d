import type { FastifyInstance } from 'fastify';
import type { PageDeps } from '../plugin.ts';
import { alertPages } from './alerts.ts';
import { auditPages } from './audit.ts';
import { deadLetterPages } from './dead-letter.ts';
import { deadLetterListPages } from './dead-letters.ts';
import { editPages } from './edit.ts';
import { orderPages } from './orders.ts';
import { overviewPages } from './overview.ts';
import { pipelinePages } from './pipeline.ts';
import { reconcilePages } from './reconciliations.ts';
import { signInPages } from './sign-in.ts';

/**
 * Every page module. A new page (alerts, reconciliation): a module here, an entry in nav.ts, its
 * words in i18n.ts.
 */
export function registerPages(app: FastifyInstance, deps: PageDeps): void {
  signInPages(app, deps);
  overviewPages(app, deps);
  deadLetterListPages(app, deps);
  deadLetterPages(app, deps);
  editPages(app, deps);
  orderPages(app, deps);
  alertPages(app, deps);
  reconcilePages(app, deps);
  pipelinePages(app, deps);
  auditPages(app, deps);
}
