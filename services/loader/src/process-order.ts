import type { OrderLoadData } from '@wdt-k3/jobs';
import {
  type LinkMode,
  type MappingIssue,
  type MappingProfile,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
  resolveLookupKeys,
} from '@wdt-k3/mapping';
import type { BillSaver, SaveOutcome } from './bill-saver.ts';
import { LOADER_ERROR_CODES, OrderError } from './errors.ts';
import type { Lookups } from './lookups.ts';

export interface OrderPipeline {
  readonly profile: MappingProfile;
  readonly linkMode: LinkMode;
  readonly lookups: Lookups;
  readonly saver: BillSaver;
  readonly onUnlinked?: () => void;
}

export interface OrderResult extends SaveOutcome {
  readonly unlinked: boolean;
}

function mappingError(issues: readonly MappingIssue[]): OrderError {
  const first = issues[0];
  return new OrderError(
    first?.code ?? 'MAP_INVALID',
    issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    {
      retryable: false,
      fieldErrors: issues.map((issue) => ({ field: issue.path, message: `${issue.code}: ${issue.message}` })),
    },
  );
}

/**
 * One order: validate → look up the customer's salesman and the sales order (batched, cached) →
 * map → save in the next coalesced batch. Throws OrderError: `retryable` decides whether BullMQ
 * tries again or the order goes to the dead-letter queue at once.
 */
export async function processOrder(pipeline: OrderPipeline, data: OrderLoadData): Promise<OrderResult> {
  const parsed = parseWdtStockoutOrder(data.order);
  if (!parsed.ok) throw mappingError(parsed.issues);
  const order = parsed.value;
  const keys = resolveLookupKeys(order, pipeline.profile);
  const [salesmanNumber, salesOrder] = await Promise.all([
    keys.customerNumber === null ? null : pipeline.lookups.salesman(keys.customerNumber),
    pipeline.linkMode === 'off' || keys.salesOrderNo === null
      ? null
      : pipeline.lookups.salesOrder(keys.salesOrderNo),
  ]);
  if (pipeline.linkMode === 'required' && keys.salesOrderNo !== null && salesOrder === null) {
    // The sales order may not have reached K3 yet (its own sync runs elsewhere): retry with
    // backoff, and dead-letter only when the attempts run out.
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
  if (mapped.unlinked) pipeline.onUnlinked?.();
  const billNo = String((mapped.value as { FBillNo?: unknown }).FBillNo ?? '');
  const outcome = await pipeline.saver.save(billNo, mapped.value);
  return { ...outcome, unlinked: mapped.unlinked };
}
