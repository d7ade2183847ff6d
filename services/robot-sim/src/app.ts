import { createLogger, type Logger } from '@wdt-k3/runtime';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { createInbox, type Inbox } from './inbox.ts';
import { RateLimits } from './limits.ts';
import { renderInboxPage } from './page.ts';
import type { Robot, RobotType } from './robots.ts';
import { checkDingtalk } from './vendors/dingtalk.ts';
import { checkFeishu } from './vendors/feishu.ts';
import { checkSlack } from './vendors/slack.ts';
import type { Incoming, Verdict } from './vendors/types.ts';
import { checkWebhook } from './vendors/webhook.ts';
import { checkWecom } from './vendors/wecom.ts';

export interface RobotSimOptions {
  readonly robots: readonly Robot[];
  readonly timestampWindowMs?: number;
  readonly keepMessages?: number;
  /** The simulator's clock (timestamps, rate windows); tests pass their own. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

const CHECKS: Readonly<Record<RobotType, (incoming: Incoming) => Verdict>> = {
  dingtalk: checkDingtalk,
  wecom: checkWecom,
  feishu: checkFeishu,
  slack: checkSlack,
  webhook: checkWebhook,
};

/**
 * The simulator as a Fastify app, not listening (tests `listen({ port: 0 })`). Every vendor path
 * answers as that vendor does; `/_sim/messages` reads back what arrived, `/` shows it to people.
 */
export function buildRobotSimApp(options: RobotSimOptions): FastifyInstance & { readonly inbox: Inbox } {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ level: 'silent', service: 'robot-sim' });
  const loggerInstance: FastifyBaseLogger = logger.child({ component: 'http' });
  const app: FastifyInstance = Fastify({
    loggerInstance,
    // Request lines carry the robots' tokens and signs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 2 * 1024 * 1024,
  });
  // Bodies are read as text whatever their type: size, JSON and content type are the vendors' checks.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const inbox = createInbox(options.keepMessages ?? 10_000);
  const limits = new RateLimits();
  const failNext = new Map<string, { count: number; status: number }>();

  const handle =
    (type: RobotType, token: string | undefined) => async (request: FastifyRequest, reply: FastifyReply) => {
      const robot = options.robots.find((candidate) => candidate.type === type && candidate.token === token);
      const raw = typeof request.body === 'string' ? request.body : '';
      const at = now();
      const forced = robot === undefined ? undefined : failNext.get(robot.name);
      let verdict: Verdict;
      if (forced !== undefined && forced.count > 0) {
        forced.count -= 1;
        verdict = {
          status: forced.status,
          body: 'simulated outage',
          accepted: false,
          reason: 'fault',
          text: '',
          json: null,
        };
      } else {
        verdict = CHECKS[type]({
          robot,
          query: request.query as Record<string, string | undefined>,
          headers: request.headers,
          raw,
          bytes: Buffer.byteLength(raw, 'utf8'),
          now: at,
          timestampWindowMs: options.timestampWindowMs ?? 3_600_000,
          rate: () => (robot === undefined ? 'ok' : limits.check(robot.name, type, at)),
        });
        if (verdict.accepted && robot !== undefined) limits.accept(robot.name, at);
      }
      const stored = inbox.add({
        robot: robot?.name ?? `unknown ${type}`,
        type: robot === undefined ? null : type,
        receivedAt: at,
        accepted: verdict.accepted,
        reason: verdict.reason,
        answer: { status: verdict.status, body: verdict.body },
        text: verdict.text,
        body: verdict.json,
        bytes: Buffer.byteLength(raw, 'utf8'),
      });
      logger.info(
        { robot: stored.robot, seq: stored.seq, accepted: stored.accepted, reason: stored.reason },
        'message received',
      );
      for (const [name, value] of Object.entries(verdict.headers ?? {})) reply.header(name, value);
      const body = verdict.body;
      return typeof body === 'string'
        ? reply.code(verdict.status).type('text/plain').send(body)
        : reply.code(verdict.status).type('application/json').send(JSON.stringify(body));
    };

  app.post('/robot/send', (request, reply) =>
    handle('dingtalk', (request.query as { access_token?: string }).access_token)(request, reply),
  );
  app.post('/cgi-bin/webhook/send', (request, reply) =>
    handle('wecom', (request.query as { key?: string }).key)(request, reply),
  );
  app.post('/open-apis/bot/v2/hook/:token', (request, reply) =>
    handle('feishu', (request.params as { token: string }).token)(request, reply),
  );
  app.post('/services/:team/:bot/:secret', (request, reply) => {
    const params = request.params as { team: string; bot: string; secret: string };
    return handle('slack', `${params.team}/${params.bot}/${params.secret}`)(request, reply);
  });
  app.post('/webhook/:name', (request, reply) =>
    handle('webhook', (request.params as { name: string }).name)(request, reply),
  );

  app.get('/_sim/health', async () => ({ ok: true, robots: options.robots.map((robot) => robot.name) }));
  app.get('/_sim/messages', async (request) => {
    const query = request.query as { robot?: string; accepted?: string; after?: string };
    return {
      messages: inbox.list({
        ...(query.robot === undefined ? {} : { robot: query.robot }),
        ...(query.accepted === undefined ? {} : { accepted: query.accepted === 'true' }),
        ...(query.after === undefined ? {} : { after: Number(query.after) }),
      }),
    };
  });
  app.delete('/_sim/messages', async () => {
    inbox.clear();
    limits.reset();
    return { cleared: true };
  });
  /** The next `count` messages to a robot answer HTTP `status` (an outage), default 1 × 500. */
  app.put('/_sim/robots/:name/fail', async (request, reply) => {
    const name = (request.params as { name: string }).name;
    if (!options.robots.some((robot) => robot.name === name))
      return reply.code(404).send({ error: 'no such robot' });
    const body = JSON.parse(
      typeof request.body === 'string' && request.body !== '' ? request.body : '{}',
    ) as {
      count?: number;
      status?: number;
    };
    failNext.set(name, { count: body.count ?? 1, status: body.status ?? 500 });
    return { name, ...failNext.get(name) };
  });
  app.get('/', async (request, reply) => {
    const robot = (request.query as { robot?: string }).robot;
    const messages = inbox
      .list(robot === undefined ? {} : { robot })
      .slice(-200)
      .reverse();
    return reply
      .type('text/html; charset=utf-8')
      .send(renderInboxPage(options.robots, messages, robot ?? null));
  });
  return Object.assign(app, { inbox });
}
