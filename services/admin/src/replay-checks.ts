import { type DeadLetterData, idText } from '@wdt-k3/jobs';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import { AdminError } from './errors.ts';

/**
 * What the admin API requires of an order before it replays it (the loaders' parked sweep
 * replays the stored order as it is): it passes the wire schema (or is forced), and an edit keeps
 * the stock-out's identity.
 */
export function checkReplayOrder(
  order: Record<string, unknown>,
  request: { readonly edited: boolean; readonly force?: boolean | undefined },
  letter: DeadLetterData | null,
): void {
  const { edited } = request;
  const parsed = parseWdtStockoutOrder(order);
  if (!parsed.ok && (edited || request.force !== true)) {
    throw new AdminError(
      'ADMIN_VALIDATION_FAILED',
      edited
        ? 'the edited order fails validation; nothing was replayed'
        : 'the stored order fails validation and would fail again; edit it, or replay with force',
      { issues: parsed.issues },
    );
  }
  if (edited && letter !== null) {
    const changed = changedIdentity(letter.order, order);
    if (changed.length > 0) {
      throw new AdminError(
        'ADMIN_IDENTITY_CHANGED',
        `the edit changes ${changed.join(' and ')}; K3 would get a second bill for the same stock-out`,
        { fields: changed },
      );
    }
  }
}

const IDENTITY_FIELDS = ['stockout_id', 'order_no'] as const;

/** Identity fields the original had and the edit changes (filling in a missing one is the fix). */
function changedIdentity(
  original: Readonly<Record<string, unknown>>,
  edited: Readonly<Record<string, unknown>>,
): string[] {
  return IDENTITY_FIELDS.filter((field) => {
    const before = idText(original[field]);
    return before !== null && idText(edited[field]) !== before;
  });
}
