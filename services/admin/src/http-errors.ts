import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Logger, type RedisConnection, redactQuery } from '@wdt-k3/runtime';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError, type AdminErrorCode, errorBody, toAdminError } from './errors.ts';

interface ValidationItem {
  readonly instancePath?: string;
  readonly message?: string;
}

const FASTIFY_STATUS_CODES: Readonly<Record<number, AdminErrorCode>> = {
  400: 'ADMIN_BAD_REQUEST',
  404: 'ADMIN_NOT_FOUND',
  413: 'ADMIN_PAYLOAD_TOO_LARGE',
  414: 'ADMIN_URI_TOO_LONG',
  415: 'ADMIN_UNSUPPORTED_MEDIA_TYPE',
  431: 'ADMIN_HEADERS_TOO_LARGE',
};

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as Partial<FastifyError>).code === 'string';
}

/** Fastify's schema failures (zod issues through the type provider) → 400 with one issue per problem. */
function validationError(err: FastifyError): AdminError | null {
  const items = (err as { validation?: unknown }).validation;
  if (!Array.isArray(items)) return null;
  const where = err.validationContext ?? 'request';
  const issues = (items as ValidationItem[]).map((item) => ({
    in: where,
    path: (item.instancePath ?? '').split('/').filter(Boolean).join('.'),
    message: item.message ?? 'invalid',
  }));
  return new AdminError('ADMIN_BAD_REQUEST', `invalid ${where}`, { issues });
}

/** Every error, from a route, a hook or Fastify itself, → the one error body. */
function toHttpError(err: unknown, redisReady: boolean): AdminError {
  if (err instanceof AdminError) return err;
  if (isFastifyError(err)) {
    const fromValidation = validationError(err);
    if (fromValidation !== null) return fromValidation;
    const status = err.statusCode ?? 500;
    // Fastify's 4xx messages describe the request (bad JSON, too large), never server state.
    if (status >= 400 && status < 500) {
      return new AdminError(FASTIFY_STATUS_CODES[status] ?? 'ADMIN_BAD_REQUEST', err.message, {
        fastifyCode: err.code,
      });
    }
  }
  return toAdminError(err, redisReady);
}

/**
 * Fastify's router refusals (a malformed `%` escape, a path segment over `maxParamLength`) as the
 * one error body; passed as the `frameworkErrors` option, since they happen before any route.
 */
export function frameworkErrorHandler(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const path = (request.url.split('?')[0] ?? '').slice(0, 80);
  return reply
    .code(tooLong ? 414 : 400)
    .send(
      tooLong
        ? errorBody('ADMIN_URI_TOO_LONG', 'a path segment is longer than any id the API has', { path })
        : errorBody('ADMIN_BAD_REQUEST', 'the URL is not valid (a malformed percent-escape?)', { path }),
    );
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (oversized headers, broken
 * framing): answered on the socket in the one error body, then closed, as Fastify's default does.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const overflow = err.code === 'HPE_HEADER_OVERFLOW';
  const status = overflow ? 431 : 400;
  const body = JSON.stringify(
    overflow
      ? errorBody('ADMIN_HEADERS_TOO_LARGE', 'the request headers are too large')
      : errorBody('ADMIN_BAD_REQUEST', 'the request is not valid HTTP'),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Deepest JSON an API body may nest: an order is 3 levels deep; deep nesting only exhausts the stack. */
const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, without recursion (the value may be 50,000 deep). */
function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number };
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth });
  }
  return deepest;
}

export function installErrorHandlers(app: FastifyInstance, redis: RedisConnection, logger: Logger): void {
  // Only JSON bodies: Fastify's text/plain parser would hand a string to a JSON schema (400), where
  // the answer is "send JSON" (415).
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    if (
      request.body !== null &&
      typeof request.body === 'object' &&
      jsonDepth(request.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
    ) {
      throw new AdminError(
        'ADMIN_PAYLOAD_TOO_LARGE',
        `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
  });
  app.setErrorHandler((err, request, reply) => {
    const error = toHttpError(err, redis.status === 'ready');
    if (error.statusCode >= 500) {
      const level = error.code === 'ADMIN_INTERNAL' ? 'error' : 'warn';
      logger[level](
        { err, code: error.code, reqId: request.id, url: redactQuery(request.url) },
        'request failed',
      );
    }
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('ADMIN_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
