import { createEventEmitter, DeadLetterIndex, type PipelineQueues, type SyncState } from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { createAuditLog } from './audit.ts';
import { installAuth } from './auth.ts';
import { registerConsole } from './console/plugin.ts';
import type { AppContext, DryRun, PreviewOrder } from './context.ts';
import { summarizeDeadLetter } from './dead-letter-query.ts';
import { registerDocs } from './docs.ts';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandlers } from './http-errors.ts';
import { createAdminMetrics } from './metrics.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { deadLetterRoutes } from './routes/dead-letter-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { ledgerRoutes } from './routes/order-routes.ts';
import { overviewRoutes } from './routes/overview-routes.ts';
import { pipelineRoutes } from './routes/pipeline-routes.ts';
import { reconcileRoutes } from './routes/reconcile-routes.ts';
import { syncRoutes } from './routes/sync-routes.ts';
import { type AdminToken, assertTokens } from './tokens.ts';
import { registerBullBoard } from './ui.ts';

export interface AdminAppDeps {
  readonly queues: PipelineQueues;
  /** A producer connection (fail fast): a write during an outage throws instead of waiting. */
  readonly redis: RedisConnection;
  /** The queues' key prefix (`{wdtk3}`); the audit stream and replay counters live under it. */
  readonly prefix: string;
  /** `'off'` only behind a loopback listener; loadConfig enforces that. */
  readonly tokens: readonly AdminToken[] | 'off';
  readonly syncState: SyncState;
  readonly dryRun?: DryRun;
  /** The console's bill preview (the mapping, with K3 lookups when configured); absent: no preview. */
  readonly preview?: PreviewOrder;
  /** How long a console sign-in lasts (ADMIN_CONSOLE_SESSION_TTL_MS). */
  readonly consoleSessionTtlMs?: number;
  /** Fastify's `trustProxy` (ADMIN_TRUST_PROXY): whose X-Forwarded-Proto makes console cookies Secure. */
  readonly trustProxy?: boolean | readonly string[];
  /** The order ledger's pool (DATABASE_URL); without it the ledger's routes answer 503. */
  readonly ledger?: pg.Pool;
  /** false: replays and discards write no events (EVENTS_ENABLED=false; no ledger runs). */
  readonly eventsEnabled?: boolean;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Largest body accepted: an edited order with a few hundred rows fits well below this. */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
/** A work day: long enough not to interrupt, short enough that a forgotten session ends. */
const CONSOLE_SESSION_TTL_MS = 8 * 3_600_000;
/** Longest path parameter: an order key, an FBillNo or a code is well below this. */
const MAX_PARAM_LENGTH = 200;

/** Builds the admin API, ready but not listening (main.ts listens; tests inject or listen on port 0). */
export async function buildAdminApp(deps: AdminAppDeps): Promise<FastifyInstance> {
  if (deps.tokens !== 'off') assertTokens(deps.tokens);
  const logger = deps.logger.child({ component: 'admin-api' });
  const now = deps.now ?? Date.now;
  const index = new DeadLetterIndex(deps.queues.failed, deps.redis, summarizeDeadLetter);
  const audit = createAuditLog(deps.redis, deps.prefix, now, logger);
  const events = createEventEmitter(deps.redis, deps.prefix, { enabled: deps.eventsEnabled ?? true });
  const ctx: AppContext = {
    queues: deps.queues,
    events,
    redis: deps.redis,
    prefix: deps.prefix,
    now,
    index,
    audit,
    syncState: deps.syncState,
    dryRun: deps.dryRun,
    registry: createAdminMetrics(deps.queues, index, now),
    logger,
    ledger: deps.ledger,
  };
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Ids are short (so-<stockout_id>-r<n>); a longer segment is refused as 414 in our shape.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    trustProxy: typeof deps.trustProxy === 'object' ? [...deps.trustProxy] : (deps.trustProxy ?? false),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, deps.redis, logger);
  installAuth(app, deps.tokens);
  await registerDocs(app);
  await app.register(healthRoutes, { ctx });
  await app.register(deadLetterRoutes, { ctx });
  await app.register(pipelineRoutes, { ctx });
  await app.register(syncRoutes, { ctx });
  await app.register(ledgerRoutes, { ctx });
  await app.register(reconcileRoutes, { ctx });
  await app.register(overviewRoutes, { ctx });
  await app.register(alertRoutes, { ctx });
  registerBullBoard(app, deps.queues, audit);
  await registerConsole(app, {
    ctx,
    tokens: deps.tokens,
    preview: deps.preview,
    sessionTtlMs: deps.consoleSessionTtlMs ?? CONSOLE_SESSION_TTL_MS,
  });
  app.addHook('onClose', async () => events.close());
  await app.ready();
  return app;
}
