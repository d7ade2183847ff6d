import { configOrExit, createLogger, createShutdown, installProcessHandlers } from '@wdt-k3/runtime';
import { buildRobotSimApp } from './app.ts';
import { loadConfig } from './config.ts';

/** `node services/robot-sim/src/main.ts` (or `pnpm --filter @wdt-k3/robot-sim start`). */
const config = await configOrExit('robot-sim', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'robot-sim' });
const app = buildRobotSimApp({
  robots: config.robots,
  timestampWindowMs: config.timestampWindowMs,
  keepMessages: config.keepMessages,
  logger,
});
const shutdown = createShutdown(logger, [{ name: 'http server', timeoutMs: 5_000, run: () => app.close() }]);
installProcessHandlers(shutdown, logger);

await app.listen({ host: config.host, port: config.port });
const address = app.server.address();
const port = address !== null && typeof address === 'object' ? address.port : config.port;
logger.info(
  {
    url: `http://${config.host}:${port}`,
    messages: `http://${config.host}:${port}/_sim/messages`,
    robots: config.robots.map((r) => `${r.name}:${r.type}`),
  },
  'robot-sim listening',
);
