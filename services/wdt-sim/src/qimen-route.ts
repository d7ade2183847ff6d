import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changeAfterPage } from './churn.ts';
import type { ScriptStep, TransportFault } from './faults.ts';
import { checkQimenCall } from './qimen-auth.ts';
import {
  type GatewayFailure,
  gatewayFailureBody,
  RATE_LIMITED_MESSAGE,
  WDT_CODES,
  type WdtFailure,
  wdtFailureBody,
  wdtSuccessBody,
} from './responses.ts';
import { pause, type SimState } from './sim-state.ts';
import type { CallShape } from './stats.ts';
import { parseStockoutQuery, type StockoutQuery } from './stockout-query.ts';

const gzipAsync = promisify(gzip);
const JSON_TYPE = 'application/json;charset=UTF-8';
/** Below this a gzip header costs more than it saves. */
const GZIP_MIN_BYTES = 1024;

/**
 * Buyer fields Qimen withholds for 淘系 (platform 1) orders (WDT guide "自研系统&三方系统接入奇门
 * 自定义场景"): receiver name/address/phones/email, id card, buyer nick, Alipay ids.
 */
const TAOBAO_PRIVATE_FIELDS = [
  'nick_name',
  'buyer_nick',
  'customer_name',
  'receiver_name',
  'receiver_address',
  'receiver_mobile',
  'receiver_telno',
  'receiver_phone',
  'receiver_email',
  'id_card',
  'buyer_alipay_id',
  'alipay_id',
  'alipay_account',
] as const;

/** Registers `GET|POST /router/qm` (and `/router/qmtest`) in its own scope, with a form parser. */
export function registerQimenRoutes(app: FastifyInstance, state: SimState): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    // Whatever else a caller posts is not Qimen parameters; the checks then report what is missing.
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));
    for (const url of ['/router/qm', '/router/qmtest'])
      scope.route({
        method: ['GET', 'POST'],
        url,
        handler: (request, reply) => handleCall(state, request, reply),
      });
  });
}

/** Query string and form body merged into one map; the body wins a name both carry. */
function collectParams(request: FastifyRequest): Record<string, string> {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  const params = at < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(at + 1)));
  const body = request.body;
  return body !== null && typeof body === 'object'
    ? { ...params, ...(body as Record<string, string>) }
    : params;
}

function shapeOf(request: FastifyRequest, params: Record<string, string>): CallShape {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  const body = request.body;
  return {
    httpMethod: request.method,
    path: at < 0 ? url : url.slice(0, at),
    queryKeys: at < 0 ? [] : [...new URLSearchParams(url.slice(at + 1)).keys()],
    bodyKeys: body !== null && typeof body === 'object' ? Object.keys(body) : [],
    contentType: request.headers['content-type'] ?? null,
    acceptEncoding: request.headers['accept-encoding'] ?? null,
    signMethod: params.sign_method ?? null,
  };
}

async function handleCall(state: SimState, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const params = collectParams(request);
  state.stats.recordCall(state.now(), shapeOf(request, params));
  const scripted = state.faults.takeScripted();
  await pause(state, state.faults.current.latencyMs);
  const transport = scripted === undefined ? state.faults.drawTransport() : asTransport(scripted);
  if (transport !== undefined) return serveTransportFault(state, request, reply, transport);
  const nowMs = state.now();
  const refusal =
    checkQimenCall(params, state.gateway, nowMs) ??
    (scripted?.kind === 'gateway' ? scripted : state.faults.drawGatewayError());
  if (refusal !== undefined) return sendGatewayFailure(state, request, reply, refusal);
  if (scripted?.kind === 'wdt') return sendWdtFailure(state, request, reply, scripted);
  const limited =
    !state.limiter.tryAcquire(params.app_key as string, nowMs, state.rateLimitPerMinute()) ||
    state.faults.drawRateLimited();
  if (limited)
    return sendWdtFailure(state, request, reply, {
      errorcode: WDT_CODES.RATE_LIMITED,
      message: RATE_LIMITED_MESSAGE,
    });
  const query = parseStockoutQuery(params, state.pages);
  if ('failure' in query) return sendWdtFailure(state, request, reply, query.failure);
  return servePage(state, request, reply, query);
}

function asTransport(step: ScriptStep): TransportFault | undefined {
  return step.kind === 'drop' || step.kind === 'timeout' || step.kind === 'http' || step.kind === 'garbage'
    ? step
    : undefined;
}

async function servePage(
  state: SimState,
  request: FastifyRequest,
  reply: FastifyReply,
  query: StockoutQuery,
) {
  const selection = state.store.select(query.filter);
  const offset = query.pageNo * query.pageSize;
  const end = Math.min(offset + query.pageSize, selection.total);
  const orders: Record<string, unknown>[] = [];
  for (let rank = offset; rank < end; rank += 1) orders.push(withheldPrivacy(selection.orderAt(rank)));
  const body = wdtSuccessBody(orders, query.pageNo === 0 ? selection.total : undefined);
  state.stats.recordPage(orders.length);
  changeAfterPage(state, query);
  return sendJson(request, reply, body);
}

function withheldPrivacy(order: Record<string, unknown>): Record<string, unknown> {
  if (order.platform_id !== 1) return order;
  for (const field of TAOBAO_PRIVATE_FIELDS) if (field in order) order[field] = '';
  return order;
}

async function serveTransportFault(
  state: SimState,
  request: FastifyRequest,
  reply: FastifyReply,
  fault: TransportFault,
): Promise<void> {
  if (fault.kind === 'http') {
    state.stats.recordError('http', fault.status);
    await reply
      .code(fault.status)
      .type('text/html')
      .send(`<html><body><h1>${fault.status} Service Unavailable</h1></body></html>`);
    return;
  }
  if (fault.kind === 'garbage') {
    state.stats.recordError('garbage');
    await reply
      .code(200)
      .type('text/html;charset=UTF-8')
      .send('<html><body>系统繁忙，请稍后再试</body></html>');
    return;
  }
  reply.hijack();
  if (fault.kind === 'timeout') {
    state.stats.recordError('timeouts');
    const socketClosed = new Promise<void>((resolve) => request.raw.socket.once('close', () => resolve()));
    await Promise.race([pause(state, state.faults.current.timeoutHoldMs), socketClosed]);
  } else state.stats.recordError('dropped');
  request.raw.socket.destroy();
}

function sendGatewayFailure(
  state: SimState,
  request: FastifyRequest,
  reply: FastifyReply,
  failure: GatewayFailure,
) {
  state.stats.recordError('gateway', failure.code);
  return sendJson(request, reply, gatewayFailureBody(failure, state.nextRequestId()));
}

function sendWdtFailure(state: SimState, request: FastifyRequest, reply: FastifyReply, failure: WdtFailure) {
  state.stats.recordError('wdt', failure.errorcode);
  return sendJson(request, reply, wdtFailureBody(failure));
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...attrs] = part.trim().toLowerCase().split(';');
    return (name === 'gzip' || name === '*') && !attrs.some((attr) => /^\s*q=0(\.0*)?\s*$/.test(attr));
  });
}

/** The official SDKs ask for gzip (`Accept-Encoding: gzip`); the fastest level keeps paging cheap. */
async function sendJson(request: FastifyRequest, reply: FastifyReply, body: string): Promise<void> {
  reply.code(200).type(JSON_TYPE);
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    const zipped = await gzipAsync(body, { level: constants.Z_BEST_SPEED });
    await reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(zipped);
    return;
  }
  await reply.send(body);
}
