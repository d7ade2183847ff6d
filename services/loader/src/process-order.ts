import { contentHashOf, type OrderLoadData, orderKeyOf, stableHash } from '@wdt-k3/jobs';
import {
  type LinkMode,
  type MappingIssue,
  type MappingProfile,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
  resolveLookupKeys,
  type SalOutstockModel,
  type WdtStockoutOrder,
  withoutLookups,
} from '@wdt-k3/mapping';
import type { BillOwners } from './bill-owners.ts';
import type { BillSaver, SaveOutcome } from './bill-saver.ts';
import { LOADER_ERROR_CODES, OrderError } from './errors.ts';
import type { Lookups } from './lookups.ts';

export interface OrderPipeline {
  readonly profile: MappingProfile;
  readonly linkMode: LinkMode;
  readonly lookups: Lookups;
  readonly saver: BillSaver;
  readonly owners: BillOwners;
  readonly onUnlinked?: () => void;
}

export interface OrderResult extends SaveOutcome {
  readonly unlinked: boolean;
  readonly orderKey: string;
  /** Of the WDT order processed (the extractor compares it on a re-read to see a change). */
  readonly contentHash: string;
  /** The bill as built from WDT and the profile, without K3 lookups, and its hash (the ledger's "changed after save"). */
  readonly billHash: string | null;
  readonly bill: Record<string, unknown> | null;
}

function mappingError(issues: readonly MappingIssue[]): OrderError {
  const first = issues[0];
  return new OrderError(
    first?.code ?? 'MAP_INVALID_FIELD',
    issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    {
      retryable: false,
      fieldErrors: issues.map((issue) => ({ field: issue.path, message: `${issue.code}: ${issue.message}` })),
    },
  );
}

/** The bill as WDT and the profile alone make it: K3 lookups left out, so it compares across reads. */
function billFromWdt(
  order: WdtStockoutOrder,
  profile: MappingProfile,
): { bill: Record<string, unknown>; hash: string } | null {
  const mapped = mapStockoutToSalOutstock(
    order,
    profile,
    { salesmanNumber: null, salesOrder: null },
    { linkMode: 'optional' },
  );
  if (!mapped.ok) return null;
  const bill = mapped.value as unknown as Record<string, unknown>;
  return { bill, hash: stableHash(bill) };
}

/** Validate → look up the salesman and the sales order (batched, cached) → map: the bill to send. */
async function prepare(
  pipeline: OrderPipeline,
  order: WdtStockoutOrder,
): Promise<{ billNo: string; model: SalOutstockModel; unlinked: boolean }> {
  const keys = resolveLookupKeys(order, pipeline.profile);
  const [salesmanNumber, salesOrder] = await Promise.all([
    keys.customerNumber === null ? null : pipeline.lookups.salesman(keys.customerNumber),
    pipeline.linkMode === 'off' || keys.salesOrderNo === null
      ? null
      : pipeline.lookups.salesOrder(keys.salesOrderNo),
  ]);
  if (pipeline.linkMode === 'required' && keys.salesOrderNo !== null && salesOrder === null) {
    // The sales order may not have reached K3 yet (its own sync runs elsewhere): retry with
    // backoff, dead-letter only when the attempts run out, and the parked sweep replays it
    // once the sales order appears.
    throw new OrderError(
      LOADER_ERROR_CODES.sourceOrderNotFound,
      `sales order ${keys.salesOrderNo} (src_trade_no) is not in K3; the stock-out cannot be linked`,
      {
        retryable: true,
        fieldErrors: [
          { field: 'src_trade_no', message: `no SAL_SaleOrder with FBillNo ${keys.salesOrderNo}` },
        ],
      },
    );
  }
  const mapped = mapStockoutToSalOutstock(
    order,
    pipeline.profile,
    { salesmanNumber, salesOrder },
    { linkMode: pipeline.linkMode },
  );
  if (!mapped.ok) throw mappingError(mapped.issues);
  return {
    billNo: String((mapped.value as { FBillNo?: unknown }).FBillNo ?? ''),
    model: mapped.value,
    unlinked: mapped.unlinked,
  };
}

/** The bill number of a raw order (FBillNo = order_no), before any validation. */
function rawBillNo(order: Readonly<Record<string, unknown>>): string | null {
  const value = order.order_no;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : text;
}

/**
 * One order, checked against K3 before it can fail: an order whose bill K3 already holds is
 * already saved, whatever its data looks like now (a re-read of an order fixed by an edited
 * replay, a link required after the bill was saved). For an order that prepares cleanly the
 * saver's own check — made under the bill's claim, in the batch — is that check; only an order
 * about to fail asks K3 separately (batched), so valid orders pay nothing extra.
 *
 * A bill that K3 holds for *another* stock-out (two stockout_ids with one order_no) is never
 * counted as this order's: it is dead-lettered as LOADER_BILL_NUMBER_TAKEN with both ids.
 */
export async function processOrder(
  pipeline: OrderPipeline,
  data: OrderLoadData,
  jobId: string,
): Promise<OrderResult> {
  const orderKey = orderKeyOf(jobId);
  // The extractor's hash is of this very order; a replay (perhaps edited) carries none.
  const contentHash =
    data.replay === undefined ? (data.contentHash ?? contentHashOf(data.order)) : contentHashOf(data.order);
  const parsed = parseWdtStockoutOrder(data.order);
  const factsOf = (wdtBill: { bill: Record<string, unknown>; hash: string } | null) => ({
    orderKey,
    contentHash,
    billHash: wdtBill?.hash ?? null,
    bill: wdtBill?.bill ?? null,
  });
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    if (!parsed.ok) throw mappingError(parsed.issues);
    prepared = await prepare(pipeline, parsed.value);
  } catch (err) {
    const billNo = rawBillNo(data.order);
    const existing = billNo === null ? null : await pipeline.lookups.billId(billNo);
    if (billNo === null || existing === null) throw err;
    await assertOwner(pipeline, billNo, orderKey);
    await pipeline.owners.settle(billNo, orderKey, contentHash);
    const facts = factsOf(parsed.ok ? billFromWdt(parsed.value, pipeline.profile) : null);
    return { status: 'already-saved', id: existing, number: billNo, unlinked: false, ...facts };
  }
  // The ledger's bill is the one sent, lookups left out: derived, not mapped a second time.
  const bill = withoutLookups(prepared.model) as unknown as Record<string, unknown>;
  const facts = factsOf({ bill, hash: stableHash(bill) });
  const outcome = await pipeline.saver.save(prepared.billNo, prepared.model);
  // Bills K3 took without a sales-order link, not those it refused or already had.
  if (prepared.unlinked && outcome.status === 'saved') pipeline.onUnlinked?.();
  if (outcome.status === 'already-saved') await assertOwner(pipeline, outcome.number, orderKey);
  await pipeline.owners.settle(outcome.number, orderKey, contentHash);
  return { ...outcome, unlinked: prepared.unlinked, ...facts };
}

/** Throws when K3's bill `billNo` was saved for another order; no owner recorded counts as this one. */
async function assertOwner(pipeline: OrderPipeline, billNo: string, orderKey: string): Promise<void> {
  const owner = await pipeline.owners.ownerOf(billNo);
  if (owner === null || owner === orderKey) return;
  throw new OrderError(
    LOADER_ERROR_CODES.billNumberTaken,
    `K3 bill ${billNo} was saved for stock-out ${owner}; this stock-out (${orderKey}) has the same number`,
    {
      retryable: false,
      fieldErrors: [{ field: 'order_no', message: `bill ${billNo} belongs to ${owner}, not ${orderKey}` }],
      context: { billNo, owner, orderKey },
    },
  );
}
