/** A field error as a dead letter keeps it (catalog `fieldErrorSchema`). */
export interface FieldError {
  readonly field: string | null;
  readonly message: string;
}

/** A base-data number an order waits for: what the K3 administrator (or the profile) must add. */
export interface BlockingNumber {
  readonly kind: string;
  readonly number: string;
}

/** K3's "基础资料“G9”不存在、未审核或已禁用" (k3cloud.md §5): the number between the quotes. */
const K3_BASEDATA_NUMBER = /基础资料[“"]([^”"]+)[”"]/;

/** K3 field names of base data → the kind an administrator recognises. */
const K3_KINDS: Readonly<Record<string, string>> = {
  FMaterialID: 'material',
  FCustomerID: 'customer',
  FStockID: 'stock',
  FSaleOrgId: 'sale-org',
  FStockOrgId: 'stock-org',
  FSalesManID: 'salesman',
  FStockStatusID: 'stock-status',
  FOwnerID: 'owner',
  FKeeperID: 'keeper',
};

function valueAt(order: Readonly<Record<string, unknown>>, path: string): string | null {
  let current: unknown = order;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === 'string' && current !== ''
    ? current
    : typeof current === 'number'
      ? String(current)
      : null;
}

/**
 * The numbers behind a failure (here, not in the loader, because the alerter computes them from
 * a dead letter too), for the data-quality report's ranked list: K3's base-data errors
 * name them in their message; mapping issues name the WDT field whose value has no K3 number.
 */
export function blockingNumbers(
  order: Readonly<Record<string, unknown>>,
  fieldErrors: readonly FieldError[],
): BlockingNumber[] {
  const found = new Map<string, BlockingNumber>();
  for (const error of fieldErrors) {
    const k3 = K3_BASEDATA_NUMBER.exec(error.message);
    if (k3?.[1] !== undefined) {
      const kind = K3_KINDS[error.field ?? ''] ?? error.field ?? 'base-data';
      found.set(`${kind}:${k3[1]}`, { kind, number: k3[1] });
      continue;
    }
    const issue = /^(MAP_(?:UNMAPPED|MISSING)_[A-Z_]+):/.exec(error.message);
    if (issue?.[1] !== undefined && error.field !== null) {
      const kind = issue[1].replace(/^MAP_(UNMAPPED|MISSING)_/, '').toLowerCase();
      const number = valueAt(order, error.field) ?? `(empty ${error.field})`;
      found.set(`${kind}:${number}`, { kind, number });
    }
  }
  return [...found.values()].slice(0, 50);
}
