import { createSemaphore } from '@wdt-k3/runtime';
import { createAuthenticator, type Session } from './auth.ts';
import { batchSaveData, toBatchSaveResult } from './batch-save.ts';
import { K3Error } from './errors.ts';
import { operationData, toOperationResult, toViewResult, viewData } from './operations.ts';
import { queryData, toQueryRows } from './query.ts';
import {
  type CallKind,
  isSessionLost,
  parseHttpResponse,
  responseStatusOf,
  throwIfCallLimited,
} from './response.ts';
import { createTransport, type HttpResponse, ResponseTooLargeError, requestNeverSent } from './transport.ts';
import type { BillQuery, K3CloudClient, K3CloudClientOptions } from './types.ts';

const DYNAMIC_FORM = 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService';
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PAGE_SIZE = 2000;
/**
 * A page of 2,000 ExecuteBillQuery rows of 20 fields is about 1.5 MB and a BatchSave answer for
 * 1,000 bills about 0.3 MB; 32 MiB leaves room for wide queries while a proxy's runaway answer
 * cannot exhaust the heap.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The Python SDK's headers besides auth (reference §1). */
const BASE_HEADERS = {
  'Content-Type': 'application/json',
  'Accept-Charset': 'utf-8',
  'User-Agent': 'wdt-k3-sync k3cloud-client',
} as const;

export function createK3CloudClient(options: K3CloudClientOptions): K3CloudClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = options.maxConcurrentRequests ?? DEFAULT_CONCURRENCY;
  const logger = options.logger?.child({ component: 'k3cloud-client' });
  // One more socket than calls: a re-login runs outside the call bound (see `call`).
  const transport = createTransport({
    maxSockets: concurrency + 1,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  });
  const semaphore = createSemaphore(concurrency);

  const exchange = async (
    service: string,
    body: unknown,
    kind: CallKind,
    headers: (path: string) => Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> => {
    const url = new URL(`${service}.common.kdsvc`, base);
    // A cleared timer rather than AbortSignal.timeout(): at hundreds of calls per second, signals
    // that each keep a 120 s timer alive after their call ended add up.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('request timeout')), timeoutMs);
    const combined = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    const startedAt = performance.now();
    try {
      const res = await transport.post(
        url,
        { ...BASE_HEADERS, ...headers(url.pathname) },
        JSON.stringify(body),
        combined,
      );
      const durationMs = Math.round(performance.now() - startedAt);
      logger?.debug({ service: shortName(service), status: res.status, durationMs }, 'k3 call answered');
      return res;
    } catch (err) {
      throw transportError(err, service, kind, timeout.signal, signal, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  };

  const authenticator = createAuthenticator(
    options.auth,
    async (service, body) => {
      const res = await exchange(service, body, 'read', () => ({}), undefined);
      return { headers: res.headers, json: parseHttpResponse(res, shortName(service), 'read') };
    },
    logger,
  );

  const send = async (
    service: string,
    payload: unknown,
    kind: CallKind,
    session: Session | null,
    signal: AbortSignal | undefined,
  ): Promise<unknown> => {
    const res = await exchange(
      service,
      payload,
      kind,
      (path) => authenticator.headers(path, session),
      signal,
    );
    authenticator.observe(res.headers);
    return parseHttpResponse(res, shortName(service), kind);
  };

  /**
   * One business call. MsgCode 1 re-establishes the session (single flight); a read is then sent
   * once more, a write is not: it throws K3_SESSION_LOST and the caller decides.
   */
  const call = (method: string, payload: unknown, kind: CallKind, signal?: AbortSignal): Promise<unknown> =>
    semaphore
      .run(async () => {
        const service = `${DYNAMIC_FORM}.${method}`;
        const session = await authenticator.ensure();
        let body = await send(service, payload, kind, session, signal);
        if (isSessionLost(responseStatusOf(body))) {
          const renewed = await authenticator.recover(session);
          logger?.warn({ service: method, kind }, 'k3 session lost, session renewed');
          if (kind === 'write') {
            throw new K3Error('K3_SESSION_LOST', `K3 lost the session during ${method}; nothing was saved`, {
              msgCode: 1,
              context: { service: method },
            });
          }
          body = await send(service, payload, kind, renewed, signal);
          if (isSessionLost(responseStatusOf(body))) {
            throw new K3Error('K3_SESSION_LOST', `K3 lost the session again during ${method}`, {
              msgCode: 1,
            });
          }
        }
        throwIfCallLimited(responseStatusOf(body), method);
        return body;
      }, signal)
      .catch((err: unknown) => {
        if (err instanceof K3Error) throw err;
        // Aborted while waiting for a free slot: nothing was sent.
        throw new K3Error('K3_ABORTED', `K3 ${method} abandoned by the caller before it was sent`, {
          cause: err,
        });
      });

  const executeBillQuery = async (query: BillQuery, signal?: AbortSignal): Promise<unknown[][]> =>
    toQueryRows(await call('ExecuteBillQuery', { data: queryData(query) }, 'read', signal), query);

  return {
    batchSave: async (formId, models, saveOptions = {}) => {
      const { signal, ...rest } = saveOptions;
      const body = await call(
        'BatchSave',
        { formid: formId, data: batchSaveData(models, rest) },
        'write',
        signal,
      );
      return toBatchSaveResult(body, models);
    },
    executeBillQuery,
    queryAll: async (query, pageSize = DEFAULT_PAGE_SIZE, signal) => {
      const rows: unknown[][] = [];
      for (let startRow = 0; ; startRow += pageSize) {
        const page = await executeBillQuery({ ...query, startRow, limit: pageSize }, signal);
        rows.push(...page);
        if (page.length < pageSize) return rows;
      }
    },
    view: async (formId, target, signal) =>
      toViewResult(await call('View', { formid: formId, data: viewData(target) }, 'read', signal)),
    submit: async (formId, target, signal) =>
      toOperationResult(
        await call('Submit', { formid: formId, data: operationData(target) }, 'write', signal),
        'Submit',
      ),
    audit: async (formId, target, signal) =>
      toOperationResult(
        await call('Audit', { formid: formId, data: operationData(target) }, 'write', signal),
        'Audit',
      ),
    delete: async (formId, target, signal) =>
      toOperationResult(
        await call('Delete', { formid: formId, data: operationData(target) }, 'write', signal),
        'Delete',
      ),
    close: () => transport.close(),
  };
}

function shortName(service: string): string {
  return service.slice(service.lastIndexOf('.') + 1);
}

function transportError(
  err: unknown,
  service: string,
  kind: CallKind,
  timeout: AbortSignal,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): K3Error {
  const method = shortName(service);
  const context = { service: method };
  if (err instanceof ResponseTooLargeError) {
    // K3 answered, so a write ran; its result is unknown.
    return new K3Error('K3_BAD_RESPONSE', `K3 ${method} answered more than ${err.limitBytes} bytes`, {
      ambiguous: kind === 'write',
      cause: err,
      context: { ...context, limitBytes: err.limitBytes },
    });
  }
  if (timeout.aborted) {
    return new K3Error('K3_TIMEOUT', `K3 ${method} gave no answer within ${timeoutMs} ms`, {
      ambiguous: kind === 'write',
      cause: err,
      context,
    });
  }
  if (signal?.aborted === true) {
    return new K3Error('K3_ABORTED', `K3 ${method} abandoned by the caller`, {
      ambiguous: kind === 'write',
      cause: err,
      context,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new K3Error('K3_NETWORK', `K3 ${method} failed on the network: ${detail}`, {
    ambiguous: kind === 'write' && !requestNeverSent(err),
    cause: err,
    context,
  });
}
