import type { PipelineQueues, SyncState } from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createAuditLog } from './audit.ts';
import { installAuth } from './auth.ts';
import type { AppContext, DryRun } from './context.ts';
import { DeadLetterIndex } from './dead-letter-index.ts';
import { registerDocs } from './docs.ts';
import { installErrorHandlers } from './http-errors.ts';
import { createAdminMetrics } from './metrics.ts';
import { deadLetterRoutes } from './routes/dead-letter-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { pipelineRoutes } from './routes/pipeline-routes.ts';
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
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Largest body accepted: an edited order with a few hundred rows fits well below this. */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Builds the admin API, ready but not listening (main.ts listens; tests inject or listen on port 0). */
export async function buildAdminApp(deps: AdminAppDeps): Promise<FastifyInstance> {
  if (deps.tokens !== 'off') assertTokens(deps.tokens);
  const logger = deps.logger.child({ component: 'admin-api' });
  const now = deps.now ?? Date.now;
  const index = new DeadLetterIndex(deps.queues.failed, deps.redis);
  const audit = createAuditLog(deps.redis, deps.prefix, now, logger);
  const ctx: AppContext = {
    queues: deps.queues,
    redis: deps.redis,
    prefix: deps.prefix,
    now,
    index,
    audit,
    syncState: deps.syncState,
    dryRun: deps.dryRun,
    registry: createAdminMetrics(deps.queues, index, now),
    logger,
  };
  const app = Fastify({ loggerInstance: logger, bodyLimit: BODY_LIMIT_BYTES }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, deps.redis, logger);
  installAuth(app, deps.tokens);
  await registerDocs(app);
  await app.register(healthRoutes, { ctx });
  await app.register(deadLetterRoutes, { ctx });
  await app.register(pipelineRoutes, { ctx });
  await app.register(syncRoutes, { ctx });
  registerBullBoard(app, deps.queues, audit);
  await app.ready();
  return app;
}
