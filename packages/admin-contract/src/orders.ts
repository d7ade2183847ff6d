import { ORDER_STATES } from '@wdt-k3/ledger/order-states';
import { z } from 'zod';
import { stampSchema } from './common.ts';

const stamp = stampSchema.nullable();

/** An order of the ledger as the API shows it: every number, its state and what it was last told. */
export const ledgerOrderSchema = z.object({
  orderKey: z.string().describe('so-<stockout_id>'),
  stockoutId: z.string().nullable(),
  orderNo: z.string().nullable(),
  stockoutNo: z.string().nullable(),
  srcTradeNo: z.string().nullable(),
  logisticsNo: z.string().nullable(),
  shopNo: z.string().nullable(),
  warehouseNo: z.string().nullable(),
  consignTime: stamp,
  wdtStatus: z.number().nullable(),
  state: z.enum(ORDER_STATES),
  billNo: z.string().nullable(),
  k3Fid: z.string().nullable(),
  lastCode: z.string().nullable(),
  lastMessage: z.string().nullable(),
  attempts: z.number(),
  blocking: z.array(z.object({ kind: z.string(), number: z.string() })),
  changedFields: z.array(z.object({ field: z.string(), saved: z.unknown(), now: z.unknown() })).nullable(),
  discardedBy: z.string().nullable(),
  discardReason: z.string().nullable(),
  firstSeenAt: stamp,
  savedAt: stamp,
  deadAt: stamp,
  updatedAt: stamp,
});
export type LedgerOrder = z.output<typeof ledgerOrderSchema>;

export const timelineEntrySchema = z.object({
  eventId: z.string(),
  type: z.string().describe('order.extracted, order.saved, order.dead_lettered, …'),
  at: stamp,
  data: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

export const orderWithTimelineSchema = ledgerOrderSchema.extend({ timeline: z.array(timelineEntrySchema) });
export type OrderWithTimeline = z.output<typeof orderWithTimelineSchema>;

/** `GET /orders?number=`. */
export const orderSearchSchema = z.object({ orders: z.array(orderWithTimelineSchema) });
export type OrderSearch = z.output<typeof orderSearchSchema>;

/** `GET /ledger/orders`. */
export const orderListSchema = z.object({
  orders: z.array(ledgerOrderSchema),
  nextCursor: z.string().nullable(),
});
export type OrderList = z.output<typeof orderListSchema>;

/** `GET /ledger/counts`. */
export const ledgerCountsSchema = z.object({
  byState: z.record(z.string(), z.number()),
  deadByCode: z.record(z.string(), z.number()),
});
export type LedgerCounts = z.output<typeof ledgerCountsSchema>;

/** `GET /reports/data-quality`. */
export const dataQualitySchema = z.object({
  from: z.string(),
  to: z.string(),
  byDay: z.array(z.object({ day: z.string(), code: z.string(), orders: z.number() })),
  blocking: z.array(
    z.object({ kind: z.string(), number: z.string(), orders: z.number(), codes: z.array(z.string()) }),
  ),
});
export type DataQuality = z.output<typeof dataQualitySchema>;

/** `POST /orders/:key/undiscard`. */
export const undiscardAnswerSchema = z.object({
  orderKey: z.string(),
  resynced: z.string().nullable(),
  jobId: z.string().nullable(),
});
export type UndiscardAnswer = z.output<typeof undiscardAnswerSchema>;

const activityCounts = {
  read: z.number().describe('Orders read from WDT (order.extracted)'),
  saved: z.number().describe('Bills saved in K3'),
  alreadySaved: z.number().describe('Orders found already in K3'),
  deadLettered: z.number(),
};

/** `GET /reports/activity`: what happened per Beijing day and per hour, from the ledger's events. */
export const activitySchema = z.object({
  days: z.array(z.object({ day: z.string().describe('yyyy-MM-dd, Beijing'), ...activityCounts })),
  hours: z.array(z.object({ hour: z.string().describe('yyyy-MM-dd HH:00, Beijing'), ...activityCounts })),
});
export type Activity = z.output<typeof activitySchema>;
