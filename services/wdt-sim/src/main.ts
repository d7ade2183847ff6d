import {
  configOrExit,
  createLogger,
  createShutdown,
  installProcessHandlers,
  listenError,
} from '@wdt-k3/runtime';
import { buildWdtSimApp } from './app.ts';
import { loadConfig } from './config.ts';

/** `node services/wdt-sim/src/main.ts` (or `pnpm --filter @wdt-k3/wdt-sim start`). */
const config = await configOrExit('wdt-sim', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'wdt-sim' });
const app = buildWdtSimApp({ ...config.sim, logger });
const shutdown = createShutdown(logger, [{ name: 'http server', timeoutMs: 5_000, run: () => app.close() }]);
installProcessHandlers(shutdown, logger);

// A port in use or a bad host: one line naming the setting, exit 1 (not a stack trace).
await configOrExit('wdt-sim', () =>
  app.listen({ host: config.host, port: config.port }).catch((err: unknown) => {
    throw listenError(err, { host: 'WDT_SIM_HOST', port: 'WDT_SIM_PORT' }, config.host, config.port);
  }),
);
const address = app.server.address();
const port = address !== null && typeof address === 'object' ? address.port : config.port;
logger.info(
  {
    url: `http://${config.host}:${port}/router/qm`,
    control: `http://${config.host}:${port}/_sim`,
    appKey: config.sim.appKey,
    sid: config.sim.sid,
    orders: config.sim.dataset?.count ?? 0,
  },
  'wdt-sim listening',
);
