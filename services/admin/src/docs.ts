import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';

const DOCS_PATH = '/docs';

/**
 * OpenAPI from the routes' zod schemas, served at /docs (UI) and /docs/json. Must be registered
 * before the routes: @fastify/swagger collects them with an onRoute hook.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'wdt-k3-sync admin API',
        description:
          'Operate the dead-letter queue and the pipeline. Every route but /health/* needs `Authorization: Bearer <token>`. ' +
          'Errors are `{ "error": { "code", "message", "details"? } }`.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: {
            type: 'http',
            scheme: 'basic',
            description: 'user = token name, password = token (/ui and /docs)',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    // Routes flagged `hide` (bull-board, the /ui redirect, the docs' own) stay out of the spec.
    transform: createJsonSchemaTransform({ skipList: [] }),
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PATH });
}
