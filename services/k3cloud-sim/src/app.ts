import type { Logger } from '@wdt-k3/runtime';
import type { Dataset } from '@wdt-k3/sim-data';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Deployment } from './auth/authenticate.ts';
import type { SimCredentials } from './auth/credentials.ts';
import { registerControlApi } from './control-api.ts';
import { type CostModelSettings, costModelSchema } from './cost-model.ts';
import { handleKdsvc } from './kdsvc.ts';
import { SimState } from './state.ts';

export interface K3SimOptions {
  readonly credentials: SimCredentials;
  /** Idle lifetime of a session (default 30 min). */
  readonly sessionTtlMs?: number;
  /** Accepted clock skew of X-Api timestamps and LoginBySign; 0 (default) checks none. */
  readonly signatureMaxSkewMs?: number;
  /**
   * `cloud` (default): behind Kingdee's API gateway, a wrong app id answers HTTP 519; `private`:
   * an on-premise server without one, a wrong app id answers HTTP 200 + MsgCode 1.
   */
  readonly deployment?: Deployment;
  readonly costModel?: Partial<CostModelSettings>;
  /**
   * The account's FBillNo numbering rule: true (default) refuses a used number with MsgCode 11;
   * false is a K3 account whose numbering rule allows duplicates.
   */
  readonly uniqueBillNo?: boolean;
  /** Datasets whose base data and (lazy) sales orders are loaded at start. */
  readonly datasets?: readonly Dataset[];
  readonly logger?: Logger;
  readonly now?: () => number;
}

export type K3SimApp = FastifyInstance & { readonly sim: SimState };

/** 50 BatchSave bills of 20 rows are ~200 KB; leave room for much larger batches. */
const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The simulator as a Fastify app, testable with `inject()` and over a socket. `main.ts` only
 * loads config and listens.
 */
export function buildK3SimApp(options: K3SimOptions): K3SimApp {
  const sim = new SimState({
    credentials: options.credentials,
    sessionTtlMs: options.sessionTtlMs ?? 30 * 60_000,
    signatureMaxSkewMs: options.signatureMaxSkewMs ?? 0,
    deployment: options.deployment ?? 'cloud',
    costModel: costModelSchema.parse(options.costModel ?? {}),
    settings: { uniqueBillNo: options.uniqueBillNo ?? true },
    now: options.now ?? Date.now,
  });
  for (const dataset of options.datasets ?? []) sim.baseData.addDataset(dataset);
  const loggerInstance: FastifyBaseLogger | undefined = options.logger;
  const app = Fastify({
    ...(loggerInstance === undefined ? { logger: false } : { loggerInstance }),
    // One log line per request would swamp a million-bill run; the stats endpoint counts calls.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Hung responses ("timeouts that hang") must not keep close() waiting.
    forceCloseConnections: true,
  });
  // K3 is lax about Content-Type (the Java SDK sends "applicatin/json"): every body is read as
  // text and parsed by the handlers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/*', (request, reply) => handleKdsvc(request, reply, sim));
  registerControlApi(app, sim);
  return Object.assign(app, { sim }) as K3SimApp;
}
