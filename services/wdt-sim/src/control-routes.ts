import { describeIssues, formatBeijingTime } from '@wdt-k3/runtime';
import type { DatasetShape } from '@wdt-k3/sim-data';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { auditBodySchema, auditWindow } from './audit.ts';
import { faultsSchema } from './faults.ts';
import { beijingSeconds } from './order-facts.ts';
import type { SimState } from './sim-state.ts';
import { timeInputSchema } from './time-input.ts';

const beijingTime = z.string().refine((value) => beijingSeconds(value) !== undefined, 'yyyy-MM-dd HH:mm:ss');

/** The fields the query filters on must be well-formed; anything else passes through untouched. */
const orderSchema = z.looseObject({
  stockout_id: z.number().int().positive(),
  status: z.number().int(),
  modified: beijingTime,
  consign_time: z.union([beijingTime, z.literal('')]).optional(),
});

const ordersBodySchema = z.union([z.array(orderSchema), z.object({ orders: z.array(orderSchema) })]);

const rate = z.number().min(0).max(1);
const generateSchema = z
  .object({
    count: z.number().int().min(0).max(9_999_999),
    from: timeInputSchema,
    to: timeInputSchema,
    seed: z.number().int().min(0).default(1),
    shape: z
      .object({
        minRows: z.number().int().min(1).max(20),
        maxRows: z.number().int().min(1).max(20),
        giftRate: rate,
        distributorRate: rate,
        taobaoRate: rate,
        unknownMaterialRate: rate,
        missingCustomerRate: rate,
        unlinkedRate: rate,
      })
      .partial()
      .strict()
      .default({}),
  })
  .strict()
  .refine((body) => body.to > body.from, { message: 'to must be after from', path: ['to'] });

function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  reply: FastifyReply,
): z.output<S> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  void reply.code(400).send({ error: 'invalid body', issues: describeIssues(parsed.error) });
  return undefined;
}

/** Restores the state the simulator started with: dataset, no overlay, default faults, zero stats. */
function resetSim(state: SimState): void {
  state.store.clear();
  state.store.generate(state.initialDataset);
  state.faults.replace(faultsSchema.parse({}));
  state.limiter.reset();
  state.stats.reset();
  state.changes.reset();
}

/** The control API that tests, the demo and the benchmark drive (documented in the README). */
export function registerControlRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/_sim/health', async () => ({ ok: true, orders: state.store.counts() }));

  app.post('/_sim/orders', async (request, reply) => {
    const body = parseBody(ordersBodySchema, request.body, reply);
    if (body === undefined) return reply;
    const orders = Array.isArray(body) ? body : body.orders;
    return { ...state.store.upsert(orders), orders: state.store.counts() };
  });

  app.post('/_sim/generate', async (request, reply) => {
    const body = parseBody(generateSchema, request.body, reply);
    if (body === undefined) return reply;
    const shape = Object.fromEntries(
      Object.entries(body.shape).filter((entry) => entry[1] !== undefined),
    ) as Partial<DatasetShape>;
    const options = { seed: body.seed, count: body.count, fromMs: body.from, toMs: body.to, shape };
    state.store.generate(body.count === 0 ? undefined : options);
    state.changes.reset();
    const range = state.store.dataset?.stockoutIdRange ?? null;
    return {
      count: body.count,
      seed: body.seed,
      from: formatBeijingTime(body.from),
      to: formatBeijingTime(body.to),
      stockoutIdRange: range,
    };
  });

  app.get('/_sim/faults', async () => state.faults.current);
  app.put('/_sim/faults', async (request, reply) => {
    const body = parseBody(faultsSchema, request.body ?? {}, reply);
    if (body === undefined) return reply;
    state.faults.replace(body);
    if (body.churn !== null) state.store.setLatent(body.churn.latentShare, body.seed);
    return { ...state.faults.current, effectiveRateLimitPerMinute: state.rateLimitPerMinute() };
  });

  app.get('/_sim/stats', async () => ({
    ...state.stats.snapshot(state.now()),
    orders: state.store.counts(),
    rateLimitPerMinute: state.rateLimitPerMinute(),
    rssBytes: process.memoryUsage().rss,
  }));

  app.get('/_sim/changes', async () => ({
    changes: state.changes.all().map((change) => ({
      stockoutId: change.stockoutId,
      at: formatBeijingTime(change.atMs),
      atMs: change.atMs,
      kind: change.kind,
      status: change.after.status,
    })),
  }));
  app.post('/_sim/audit', async (request, reply) => {
    const body = parseBody(auditBodySchema, request.body, reply);
    if (body === undefined) return reply;
    return { rows: auditWindow(state, body) };
  });

  app.post('/_sim/reset', async () => {
    resetSim(state);
    return { ok: true, orders: state.store.counts() };
  });
}
