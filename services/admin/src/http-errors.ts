import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AdminError, type AdminErrorCode, errorBody, toAdminError } from './errors.ts';

interface ValidationItem {
  readonly instancePath?: string;
  readonly message?: string;
}

const FASTIFY_STATUS_CODES: Readonly<Record<number, AdminErrorCode>> = {
  400: 'ADMIN_BAD_REQUEST',
  404: 'ADMIN_NOT_FOUND',
  413: 'ADMIN_PAYLOAD_TOO_LARGE',
  415: 'ADMIN_UNSUPPORTED_MEDIA_TYPE',
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
export function toHttpError(err: unknown, redisReady: boolean): AdminError {
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

export function installErrorHandlers(app: FastifyInstance, redis: RedisConnection, logger: Logger): void {
  app.setErrorHandler((err, request, reply) => {
    const error = toHttpError(err, redis.status === 'ready');
    if (error.statusCode >= 500) {
      const level = error.code === 'ADMIN_INTERNAL' ? 'error' : 'warn';
      logger[level]({ err, code: error.code, reqId: request.id, url: request.url }, 'request failed');
    }
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('ADMIN_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
