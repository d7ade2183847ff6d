import { createLogger } from '@wdt-k3/runtime';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { registerControlRoutes } from './control-routes.ts';
import { registerQimenRoutes } from './qimen-route.ts';
import { createSimState, type WdtSimOptions } from './sim-state.ts';

/**
 * The simulator as a Fastify app: `/router/qm` speaking Qimen, and `/_sim/*` to drive it. Not
 * listening yet, so tests can `inject()` or `listen({ port: 0 })`.
 */
export function buildWdtSimApp(options: WdtSimOptions): FastifyInstance {
  const logger = options.logger ?? createLogger({ level: 'silent', service: 'wdt-sim' });
  const loggerInstance: FastifyBaseLogger = logger.child({ component: 'http' });
  const app: FastifyInstance = Fastify({
    loggerInstance,
    // Request lines would carry the sign and the business data; the stats say what arrived.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024 * 1024,
  });
  const state = createSimState(options);
  app.addHook('preClose', async () => {
    state.closing.abort();
  });
  registerQimenRoutes(app, state);
  registerControlRoutes(app, state);
  return app;
}
