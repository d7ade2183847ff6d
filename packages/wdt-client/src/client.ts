import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from '@wdt-k3/runtime';
import got, { type Got, RequestError } from 'got';
import { z } from 'zod';
import { parseStockoutResponse, type StockoutPage } from './envelope.ts';
import { WDT_ERROR_CODES, WdtError } from './errors.ts';
import { type StockoutPageQuery, toBusinessParams } from './query.ts';
import {
  buildQimenRequest,
  encodeForm,
  type QimenCredentials,
  STOCKOUT_QUERY_METHOD,
  WDT_TARGET_APP_KEY,
} from './request.ts';
import { SIGN_METHODS, type SignMethod } from './sign.ts';

export interface WdtClientOptions {
  /** The Qimen router URL; a bare origin gets `/router/qm` appended. */
  readonly baseUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** WDT's Qimen AppKey; default `21363512`. */
  readonly targetAppKey?: string;
  /** The WDT seller account (卖家账号). */
  readonly sid: string;
  /** Default `md5`, what every WDT integration seen uses. */
  readonly signMethod?: SignMethod;
  /** Default `wdt.stockout.order.query.trade`. */
  readonly methodName?: string;
  /** Whole-request bound; default 30 s, the Qimen Java SDK's read timeout. */
  readonly requestTimeoutMs?: number;
  /** Clock for the `timestamp` parameter and rate-limit waits (epoch ms). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

export interface WdtClient {
  /** One page of stock-out orders. Throws `WdtError`. */
  queryStockoutPage(query: StockoutPageQuery, signal?: AbortSignal): Promise<StockoutPage>;
  /** Closes the keep-alive connections. */
  close(): void;
}

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  targetAppKey: z.string().min(1).default(WDT_TARGET_APP_KEY),
  sid: z.string().min(1),
  signMethod: z.enum(SIGN_METHODS).default('md5'),
  methodName: z.string().min(1).default(STOCKOUT_QUERY_METHOD),
  requestTimeoutMs: z.number().int().positive().default(30_000),
});

/**
 * A network failure is retried here at most twice: the query is a read, so a resend is harmless,
 * and a reset keep-alive socket is the usual cause. A timeout is not: it has already cost
 * `requestTimeoutMs` and may have used one of WDT's 60 calls a minute, so BullMQ decides.
 *
 * This loop is ours rather than got's `retry` (issue 14, item 12), for three reasons:
 * - each attempt is signed anew: the Qimen `timestamp` is part of the signature, and got's retry
 *   resends the request it already built;
 * - what is retried is "whatever `transportError` calls WDT_NETWORK", i.e. anything but a timeout
 *   or an abort; got's `errorCodes` is an allow-list, which would drift from that classification
 *   the first time an unlisted code (a TLS or parser error) shows up;
 * - the wait honours the caller's AbortSignal and answers WDT_ABORTED, the same code as an abort
 *   in flight.
 * Neither form is seen by the fleet limiter: `wdt-pages`' BullMQ limiter (extractor
 * `wdt-limiter.ts`) counts jobs moved to active, not HTTP calls, so all attempts of one page share
 * its one slot, and the extractor's `wdtCalls` metric counts one call per page too. That is sound
 * for the usual cause (a refused or idle-reset socket: the request never reached WDT); a reset after
 * WDT received the request can cost one call the limiter did not plan for, and WDT then answers
 * 1012, which the extractor turns into a queue-wide pause.
 */
const NETWORK_RETRY_DELAYS_MS = [100, 400] as const;

function routerUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/router/qm';
  return url.toString();
}

export function createWdtClient(options: WdtClientOptions): WdtClient {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new WdtError(
      WDT_ERROR_CODES.OPTIONS_INVALID,
      `invalid WDT client options: ${parsed.error.message}`,
      {
        retryable: false,
      },
    );
  const settings = parsed.data;
  const now = options.now ?? Date.now;
  const logger = options.logger?.child({ component: 'wdt-client' });
  const credentials: QimenCredentials = settings;
  const agent = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const http = createHttp(agent, settings.requestTimeoutMs);
  const url = routerUrl(settings.baseUrl);

  const sendOnce = async (business: Record<string, string>, signal?: AbortSignal): Promise<StockoutPage> => {
    const request = buildQimenRequest(credentials, settings.methodName, business, now());
    const text = await post(http, url, request.query, encodeForm(request.form), signal);
    return parseStockoutResponse(text, now());
  };

  return {
    async queryStockoutPage(query, signal) {
      const business = toBusinessParams(query, settings.sid);
      for (let attempt = 0; ; attempt += 1) {
        try {
          const page = await sendOnce(business, signal);
          logger?.debug({ pageNo: query.pageNo, orders: page.orders.length, attempt }, 'wdt page fetched');
          return page;
        } catch (err) {
          const delayMs = NETWORK_RETRY_DELAYS_MS[attempt];
          if (!(err instanceof WdtError && err.code === WDT_ERROR_CODES.NETWORK) || delayMs === undefined)
            throw err;
          logger?.warn({ pageNo: query.pageNo, attempt, err: err.message }, 'wdt network failure, retrying');
          await pause(delayMs, signal);
        }
      }
    },
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

function createHttp(agent: { http: HttpAgent; https: HttpsAgent }, requestTimeoutMs: number): Got {
  return got.extend({
    agent,
    timeout: { request: requestTimeoutMs },
    // Retries are ours (network failures only, see NETWORK_RETRY_DELAYS_MS) or BullMQ's.
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
  });
}

async function post(
  http: Got,
  url: string,
  query: Readonly<Record<string, string>>,
  body: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  let response: { statusCode: number; body: string; headers: Record<string, string | string[] | undefined> };
  try {
    response = await http.post(url, {
      searchParams: new URLSearchParams(Object.entries(query)),
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      ...(signal !== undefined && { signal }),
    });
  } catch (err) {
    throw transportError(err);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
  throw httpStatusError(response.statusCode, response.headers['retry-after']);
}

function httpStatusError(status: number, retryAfter: string | string[] | undefined): WdtError {
  const context = { httpStatus: status };
  if (status === 429) {
    const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
    return new WdtError(WDT_ERROR_CODES.RATE_LIMITED, 'WDT answered HTTP 429', {
      retryable: true,
      context,
      rateLimit: { retryAfterMs, source: 'http' },
    });
  }
  return new WdtError(WDT_ERROR_CODES.HTTP_ERROR, `WDT answered HTTP ${status}`, {
    retryable: status >= 500,
    context,
  });
}

function transportError(err: unknown): WdtError {
  const code = err instanceof RequestError ? err.code : 'UNKNOWN';
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RequestError && err.name === 'AbortError')
    return new WdtError(WDT_ERROR_CODES.ABORTED, 'WDT call aborted by the caller', {
      retryable: true,
      cause: err,
    });
  if (code === 'ETIMEDOUT')
    return new WdtError(WDT_ERROR_CODES.TIMEOUT, `WDT did not answer in time: ${message}`, {
      retryable: true,
      cause: err,
    });
  return new WdtError(WDT_ERROR_CODES.NETWORK, `WDT unreachable (${code}): ${message}`, {
    retryable: true,
    cause: err,
    context: { errno: code },
  });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new WdtError(WDT_ERROR_CODES.ABORTED, 'WDT call aborted by the caller', { retryable: true }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
