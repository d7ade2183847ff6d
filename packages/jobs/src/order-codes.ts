/**
 * Codes the loader raises for an order, beside those of the packages it calls (MAP_* from
 * mapping, K3_* from k3cloud-client, JOB_* from the job catalog). They live here, not in the
 * loader, because a dead letter is read by the admin API, the CLI, the ledger, alerts and the
 * console: every code that can reach one is a member of `DeadLetterCode` (dead-letter-codes.ts).
 * Stable: never rename or reuse one.
 */
export const ORDER_ERROR_CODES = {
  /** linkMode=required and the sales order (FBillNo = src_trade_no) is not in K3 (yet). Retried, then dead-lettered (parked). */
  sourceOrderNotFound: 'K3_SOURCE_ORDER_NOT_FOUND',
  /** K3 refused the bill because referenced base data (customer, material, stock…) does not exist. */
  baseDataMissing: 'K3_BASEDATA_MISSING',
  /** K3 refused the bill for another validation reason (see the field errors). */
  billRejected: 'K3_BILL_REJECTED',
  /** K3 answered "number already used", or nothing at all, for a bill that cannot be found by its number afterwards. Retried. */
  duplicateUnresolved: 'K3_BILL_UNRESOLVED',
  /** K3 refused one bill for a passing reason (call limit, session) inside a batch that otherwise ran. Retried. */
  billTransient: 'K3_BILL_TRANSIENT',
  /** Another batch (of any loader) holds the bill number's claim: the job waits for its outcome, spending no attempt. */
  billClaimed: 'LOADER_BILL_CLAIMED',
  /** The claims could not be read or written in Redis: nothing was sent. Retried. */
  claimsUnavailable: 'LOADER_CLAIMS_UNAVAILABLE',
  /** K3 holds a bill with this number saved for another stock-out (two stockout_ids, one order_no). Dead-lettered. */
  billNumberTaken: 'LOADER_BILL_NUMBER_TAKEN',
  /** A failure the loader has no code for (a bug, or an error of a library): the message keeps what it said. Retried. */
  unexpected: 'LOADER_UNEXPECTED',
} as const;

export type OrderErrorCode = (typeof ORDER_ERROR_CODES)[keyof typeof ORDER_ERROR_CODES];
