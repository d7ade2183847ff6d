import {
  configOrExit,
  createLogger,
  createShutdown,
  installProcessHandlers,
  listenError,
} from '@wdt-k3/runtime';
import type { Dataset } from '@wdt-k3/sim-data';
import { buildK3SimApp } from './app.ts';
import { loadConfig, simCredentials } from './config.ts';
import { datasetFrom } from './control-api.ts';

const config = await configOrExit('k3cloud-sim', () => loadConfig(process.env));
const logger = createLogger({ level: config.LOG_LEVEL, service: 'k3cloud-sim' });
const datasets: Dataset[] = [];
if (config.K3_SIM_ORDERS > 0) {
  datasets.push(
    datasetFrom({
      seed: config.K3_SIM_SEED,
      count: config.K3_SIM_ORDERS,
      ...(config.K3_SIM_FROM === undefined ? {} : { from: config.K3_SIM_FROM }),
      ...(config.K3_SIM_TO === undefined ? {} : { to: config.K3_SIM_TO }),
    }),
  );
}
const app = buildK3SimApp({
  credentials: simCredentials(config),
  sessionTtlMs: config.K3_SIM_SESSION_TTL_MS,
  signatureMaxSkewMs: config.K3_SIM_SIGNATURE_MAX_SKEW_MS,
  deployment: config.K3_SIM_DEPLOYMENT,
  uniqueBillNo: config.K3_SIM_UNIQUE_BILL_NO,
  costModel: {
    enabled: config.K3_SIM_COST_MODEL,
    baseMs: config.K3_SIM_COST_BASE_MS,
    perBillMs: config.K3_SIM_COST_PER_BILL_MS,
    maxConcurrent: config.K3_SIM_COST_MAX_CONCURRENT,
  },
  datasets,
  logger,
});
const shutdown = createShutdown(logger, [
  { name: 'close http server', timeoutMs: 5000, run: () => app.close() },
]);
installProcessHandlers(shutdown, logger);

// A port in use or a bad host: one line naming the setting, exit 1 (not a stack trace).
await configOrExit('k3cloud-sim', () =>
  app.listen({ host: config.K3_SIM_HOST, port: config.K3_SIM_PORT }).catch((err: unknown) => {
    throw listenError(
      err,
      { host: 'K3_SIM_HOST', port: 'K3_SIM_PORT' },
      config.K3_SIM_HOST,
      config.K3_SIM_PORT,
    );
  }),
);
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : config.K3_SIM_PORT;
logger.info(
  {
    url: `http://${config.K3_SIM_HOST}:${port}/k3cloud/`,
    acctId: config.K3_SIM_ACCT_ID,
    username: config.K3_SIM_USERNAME,
    appId: config.K3_SIM_APP_ID,
    seed: config.K3_SIM_SEED,
    orders: config.K3_SIM_ORDERS,
    costModel: config.K3_SIM_COST_MODEL,
    uniqueBillNo: config.K3_SIM_UNIQUE_BILL_NO,
    deployment: config.K3_SIM_DEPLOYMENT,
  },
  'k3cloud-sim listening',
);
