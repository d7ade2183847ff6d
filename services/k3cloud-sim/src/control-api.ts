import { describeIssues } from '@wdt-k3/runtime';
import { createDataset, type Dataset, type DatasetShape } from '@wdt-k3/sim-data';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { costModelSchema } from './cost-model.ts';
import { BASE_KINDS } from './data/base-data.ts';
import { faultsSchema } from './faults.ts';
import type { SimState } from './state.ts';
import { defaultWindow, parseInstant } from './time.ts';

const baseItem = z.strictObject({ number: z.string().min(1), name: z.string().optional() });
const basedataSchema = z.strictObject({
  customers: z.array(baseItem.extend({ sellerNumber: z.string().nullable().optional() })).default([]),
  materials: z.array(baseItem).default([]),
  stocks: z.array(baseItem).default([]),
  salesmen: z.array(baseItem).default([]),
  orgs: z.array(baseItem).default([]),
  salesOrders: z
    .array(
      z.strictObject({
        fid: z.number().int().positive().optional(),
        billNo: z.string().min(1),
        date: z.string().optional(),
        customerNumber: z.string().optional(),
        saleOrgNumber: z.string().optional(),
        entries: z
          .array(
            z.strictObject({
              entryId: z.number().int().positive().optional(),
              materialNumber: z.string().min(1),
              qty: z.number().positive(),
              taxPrice: z.number().min(0).optional(),
            }),
          )
          .min(1),
      }),
    )
    .default([]),
});

export const generateSchema = z.strictObject({
  seed: z.number().int(),
  count: z.number().int().min(0).max(9_999_999),
  from: z.union([z.string(), z.number()]).optional(),
  to: z.union([z.string(), z.number()]).optional(),
  shape: z.record(z.string(), z.number()).optional(),
});

/** Builds the dataset the WDT simulator builds from the same seed, count and window. */
export function datasetFrom(input: z.output<typeof generateSchema>, nowMs = Date.now()): Dataset {
  const window = defaultWindow(nowMs);
  const toMs = input.to === undefined ? window.toMs : parseInstant(input.to);
  const fromMs = input.from === undefined ? toMs - (window.toMs - window.fromMs) : parseInstant(input.from);
  const shape = (input.shape ?? {}) as Partial<DatasetShape>;
  return createDataset({ seed: input.seed, count: input.count, fromMs, toMs, shape });
}

function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  reply: FastifyReply,
): z.output<S> | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
    } catch {
      void reply.code(400).send({ error: 'body is not valid JSON' });
      return undefined;
    }
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    void reply.code(400).send({ error: 'invalid body', issues: describeIssues(result.error) });
    return undefined;
  }
  return result.data;
}

/** `PUT /_sim/settings`: the account's configuration; only the keys given change. */
const settingsSchema = z.strictObject({ uniqueBillNo: z.boolean().optional() });

const billEditSchema = z.strictObject({
  billNo: z.string().min(1),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/)
    .optional(),
  entries: z
    .array(
      z.strictObject({
        seq: z.number().int().min(1),
        realQty: z.number().positive().optional(),
        taxPrice: z.number().min(0).optional(),
        isFree: z.boolean().optional(),
      }),
    )
    .default([]),
});

const billsQuery = z.object({
  formId: z.string().default('SAL_OUTSTOCK'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** The `/_sim/*` control API (README "Control API"). */
export function registerControlApi(app: FastifyInstance, sim: SimState): void {
  app.post('/_sim/basedata', async (request, reply) => {
    const body = parseBody(basedataSchema, request.body, reply);
    if (body === undefined) return reply;
    for (const kind of BASE_KINDS) {
      for (const item of body[kind]) {
        const seller = 'sellerNumber' in item ? (item.sellerNumber as string | null | undefined) : undefined;
        sim.baseData.add(kind, item.number, item.name, seller);
      }
    }
    for (const order of body.salesOrders) sim.baseData.addSalesOrder(order);
    return {
      added: Object.fromEntries(
        [...BASE_KINDS, 'salesOrders'].map((k) => [k, body[k as keyof typeof body].length]),
      ),
      totals: sim.baseData.counts(),
    };
  });

  app.post('/_sim/generate-basedata', async (request, reply) => {
    const body = parseBody(generateSchema, request.body, reply);
    if (body === undefined) return reply;
    let dataset: Dataset;
    try {
      dataset = datasetFrom(body);
    } catch (err) {
      return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
    sim.baseData.addDataset(dataset);
    return {
      seed: dataset.seed,
      count: dataset.count,
      fromMs: dataset.fromMs,
      toMs: dataset.toMs,
      totals: sim.baseData.counts(),
    };
  });

  app.get('/_sim/bills', async (request, reply) => {
    const query = billsQuery.safeParse(request.query);
    if (!query.success)
      return reply.code(400).send({ error: 'invalid query', issues: describeIssues(query.error) });
    const { formId, offset, limit } = query.data;
    if (formId.toUpperCase() !== 'SAL_OUTSTOCK')
      return reply.code(400).send({ error: `no bills are stored for ${formId}` });
    const all = sim.bills.all();
    return {
      formId: 'SAL_OUTSTOCK',
      count: all.length,
      offset,
      limit,
      bills: all.slice(offset, offset + limit).map((bill) => bill.model),
    };
  });

  // A person editing a saved bill in K3's own UI (tests of reconciliation): the WebAPI refuses
  // updates (FID ≠ 0), so this is the only way a saved bill changes. Only the fields given change.
  app.post('/_sim/bills/edit', async (request, reply) => {
    const body = parseBody(billEditSchema, request.body, reply);
    if (body === undefined) return reply;
    const bill = sim.bills.byNumber(body.billNo);
    if (bill === undefined) return reply.code(404).send({ error: `no SAL_OUTSTOCK bill ${body.billNo}` });
    const count = bill.entryIds.length;
    const missing = body.entries.find((edit) => edit.seq < 1 || edit.seq > count);
    if (missing !== undefined)
      return reply.code(400).send({ error: `bill ${body.billNo} has no entry ${missing.seq}` });
    const edited = sim.bills.edit(bill, (model) => {
      const entries = Array.isArray(model.FEntity) ? (model.FEntity as Record<string, unknown>[]) : [];
      for (const edit of body.entries) {
        const entry = entries[edit.seq - 1];
        if (entry === undefined) continue;
        if (edit.realQty !== undefined) entry.FRealQty = edit.realQty;
        if (edit.taxPrice !== undefined) entry.FTaxPrice = edit.taxPrice;
        if (edit.isFree !== undefined) entry.FIsFree = edit.isFree;
      }
      if (body.date !== undefined) model.FDate = body.date;
    });
    return { billNo: edited.billNo, fid: edited.id, model: edited.model };
  });

  app.get('/_sim/faults', async () => sim.faults.config);
  app.put('/_sim/faults', async (request, reply) => {
    const body = parseBody(faultsSchema, request.body, reply);
    if (body === undefined) return reply;
    if (body.sessionTtlMs !== undefined) sim.sessions.ttlMs = body.sessionTtlMs;
    const expired = body.expireSessions === true ? sim.sessions.expireAll() : 0;
    sim.faults.set(body);
    return { faults: sim.faults.config, sessionsExpired: expired };
  });

  app.post('/_sim/sessions/expire', async () => ({ sessionsExpired: sim.sessions.expireAll() }));

  app.get('/_sim/settings', async () => sim.settings);
  app.put('/_sim/settings', async (request, reply) => {
    const body = parseBody(settingsSchema, request.body, reply);
    if (body === undefined) return reply;
    if (body.uniqueBillNo !== undefined) sim.settings.uniqueBillNo = body.uniqueBillNo;
    return sim.settings;
  });

  app.get('/_sim/cost-model', async () => sim.cost.settings);
  app.put('/_sim/cost-model', async (request, reply) => {
    const body = parseBody(costModelSchema, request.body, reply);
    if (body === undefined) return reply;
    sim.cost.set(body);
    return sim.cost.settings;
  });

  app.get('/_sim/stats', async () => ({
    ...sim.stats.snapshot(),
    bills: sim.bills.count,
    sessions: sim.sessions.size,
    costModel: sim.cost.load,
    baseData: sim.baseData.counts(),
  }));

  app.post('/_sim/reset', async (request, reply) => {
    const body = parseBody(z.strictObject({ baseData: z.boolean().default(false) }), request.body, reply);
    if (body === undefined) return reply;
    sim.reset({ baseData: body.baseData });
    return { reset: true, baseDataCleared: body.baseData };
  });
}
