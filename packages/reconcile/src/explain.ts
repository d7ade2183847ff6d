import { decodeFailureReason, discardMarkerKey, orderDoneKey, QUEUES } from '@wdt-k3/jobs';
import { formatBeijingTime, type RedisConnection } from '@wdt-k3/runtime';
import { QueueKeys } from 'bullmq';
import type pg from 'pg';
import type { WdtBill } from './comparable.ts';
import type { MissingReason } from './report.ts';

/**
 * Why an order is missing from K3, and what a bill K3 has but WDT's period lacks is. The order
 * ledger (PostgreSQL) knows an order's whole life and is asked first when configured; Redis knows
 * what BullMQ still holds (a dead letter and its code, a discard marker, the order's job while
 * BullMQ keeps it: 7 days) and answers without a ledger.
 */
export interface Explainer {
  missing(bills: readonly WdtBill[]): Promise<MissingReason[]>;
  /** Per bill number: a note on what the ledger knows of it, or null (no WDT order known: made by hand?). */
  extra(billNos: readonly string[]): Promise<(string | null)[]>;
}

interface LedgerRow {
  order_key: string;
  order_no: string | null;
  state: string;
  last_code: string | null;
  last_message: string | null;
  discarded_by: string | null;
  discard_reason: string | null;
  consign_time: Date | null;
}

const reason = (
  kind: MissingReason['kind'],
  code: string | null = null,
  by: string | null = null,
  note: string | null = null,
): MissingReason => ({ kind, code, by, note });

function fromLedger(row: LedgerRow): MissingReason {
  switch (row.state) {
    case 'dead':
      return reason('dead-lettered', row.last_code, null, row.last_message);
    case 'discarded':
      return reason('discarded', row.last_code, row.discarded_by, row.discard_reason);
    case 'pending':
      return reason('pending', row.last_code, null, row.last_message);
    default:
      return reason(
        'saved',
        null,
        null,
        'the pipeline saved it; the bill is no longer in K3 (deleted in K3?)',
      );
  }
}

export function createExplainer(deps: {
  redis: RedisConnection;
  prefix: string;
  ledger?: pg.Pool | undefined;
}): Explainer {
  // BullMQ's own key builder: a job hash is `toKey(queue, jobId)`, whatever BullMQ makes of the prefix.
  const bullKeys = new QueueKeys(deps.prefix);
  const key = (queue: string, id: string): string => bullKeys.toKey(queue, id);

  const fromRedis = async (bills: readonly WdtBill[]): Promise<Array<MissingReason | null>> => {
    const pipeline = deps.redis.pipeline();
    for (const bill of bills) {
      const id = `so-${bill.stockoutId}`;
      pipeline.hget(key(QUEUES.failed, id), 'data');
      pipeline.exists(discardMarkerKey(deps.prefix, id));
      pipeline.hmget(key(QUEUES.orders, id), 'finishedOn', 'failedReason', 'timestamp');
      // Completed jobs are kept an hour; the loader's done record says "saved" for 30 days.
      pipeline.exists(orderDoneKey(deps.prefix, id));
    }
    const results = ((await pipeline.exec()) ?? []).map(([err, value]) => {
      if (err !== null) throw err;
      return value;
    });
    return bills.map((_, index) => {
      const [letter, discarded, job, done] = results.slice(index * 4, index * 4 + 4) as [
        string | null,
        number,
        Array<string | null>,
        number,
      ];
      if (letter !== null) {
        const parsed = JSON.parse(letter) as { error?: { code?: string; message?: string } };
        return reason('dead-lettered', parsed.error?.code ?? null, null, parsed.error?.message ?? null);
      }
      if (discarded === 1) return reason('discarded');
      const [finishedOn, failedReason, created] = job;
      if ((finishedOn !== null && failedReason === null) || (created === null && done === 1))
        return reason(
          'saved',
          null,
          null,
          'the pipeline saved it; the bill is no longer in K3 (deleted in K3?)',
        );
      if (created !== null) {
        // A failed attempt's reason is the failure as a JSON document: say it in words.
        const failure = failedReason === null ? null : decodeFailureReason(failedReason);
        return reason(
          'pending',
          failure?.code ?? null,
          null,
          failure === null ? failedReason : failure.message,
        );
      }
      return null;
    });
  };

  const ledgerRows = async (
    column: 'order_key' | 'order_no',
    values: readonly string[],
  ): Promise<LedgerRow[]> => {
    if (deps.ledger === undefined || values.length === 0) return [];
    const result = await deps.ledger.query<LedgerRow>(
      `SELECT order_key, order_no, state, last_code, last_message, discarded_by, discard_reason, consign_time
         FROM ledger_orders WHERE ${column} = ANY($1)`,
      [values],
    );
    return result.rows;
  };

  return {
    async missing(bills) {
      const ledger = new Map(
        (
          await ledgerRows(
            'order_key',
            bills.map((bill) => `so-${bill.stockoutId}`),
          )
        ).map((row) => [row.order_key, row]),
      );
      const redis = await fromRedis(bills);
      return bills.map((bill, index) => {
        const row = ledger.get(`so-${bill.stockoutId}`);
        if (row !== undefined) return fromLedger(row);
        const known = redis[index] ?? null;
        if (known !== null) return known;
        if (bill.issue !== null)
          return reason('unmappable', bill.issue, null, 'the mapping refuses this order');
        return deps.ledger === undefined ? reason('unknown') : reason('never-extracted');
      });
    },
    async extra(billNos) {
      const rows = new Map((await ledgerRows('order_no', billNos)).map((row) => [row.order_no, row]));
      return billNos.map((billNo) => {
        const row = rows.get(billNo);
        if (row === undefined) return null;
        const at = row.consign_time === null ? null : formatBeijingTime(row.consign_time.getTime());
        return at === null ? `WDT order ${row.order_key}` : `WDT order ${row.order_key}, consigned ${at}`;
      });
    },
  };
}
