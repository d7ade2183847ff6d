import {
  createK3CloudClient,
  findCustomerSellers,
  findSalesOrders,
  type K3CloudClient,
} from '@wdt-k3/k3cloud-client';
import {
  DEFAULT_MAPPING_PROFILE,
  type LinkMode,
  loadMappingProfile,
  type MappingLookups,
  type MappingProfile,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
  resolveLookupKeys,
  type SalesOrderLookup,
  type WdtStockoutOrder,
} from '@wdt-k3/mapping';
import type { Logger } from '@wdt-k3/runtime';
import { createWdtClient, type WdtClient } from '@wdt-k3/wdt-client';
import type { DryRun, PreviewOrder } from './context.ts';
import type { DryRunSettings, MappingSettings } from './dry-run-config.ts';

/** The K3 facts the mapping needs: the customer's salesman and the sales order to link to. */
export interface DryRunLookups {
  salesman(customerNumber: string): Promise<string | null>;
  salesOrder(billNo: string): Promise<SalesOrderLookup | null>;
}

export interface DryRunDeps {
  /** The stock-out as WDT sends it, or null when WDT has none with that number. */
  readonly fetchOrder: (stockoutNo: string, signal?: AbortSignal) => Promise<Record<string, unknown> | null>;
  readonly profile: MappingProfile;
  readonly linkMode: LinkMode;
  /** null: no K3 configured; the bill is mapped without a salesman and without links. */
  readonly lookups: DryRunLookups | null;
}

/**
 * The loader's steps up to the save, on one order: parse, look up, map. Nothing is written
 * anywhere. Without K3 lookups the link mode drops to `off`, since every link would otherwise be
 * reported missing; the answer then says `unlinked`.
 */
function createOrderPreview(deps: Omit<DryRunDeps, 'fetchOrder'>): PreviewOrder {
  return async (order) => {
    const parsed = parseWdtStockoutOrder(order);
    if (!parsed.ok) return { ok: false, issues: parsed.issues };
    const linkMode = deps.lookups === null ? 'off' : deps.linkMode;
    const lookups = await lookUp(parsed.value, deps.profile, linkMode, deps.lookups);
    const mapped = mapStockoutToSalOutstock(parsed.value, deps.profile, lookups, { linkMode });
    // The K3 model is a typed interface; callers carry it as the JSON object it is.
    return mapped.ok
      ? {
          ok: true,
          model: mapped.value as unknown as Record<string, unknown>,
          unlinked: mapped.unlinked || deps.lookups === null,
        }
      : { ok: false, issues: mapped.issues };
  };
}

/** The same steps on one order fetched from WDT now, by its stock-out number. */
export function createDryRun(deps: DryRunDeps): DryRun {
  const preview = createOrderPreview(deps);
  return async (stockoutNo, signal) => {
    const order = await deps.fetchOrder(stockoutNo, signal);
    if (order === null) return { found: false };
    return { found: true, order, result: await preview(order, signal) };
  };
}

async function lookUp(
  order: WdtStockoutOrder,
  profile: MappingProfile,
  linkMode: LinkMode,
  lookups: DryRunLookups | null,
): Promise<MappingLookups> {
  if (lookups === null) return { salesmanNumber: null, salesOrder: null };
  const keys = resolveLookupKeys(order, profile);
  const [salesmanNumber, salesOrder] = await Promise.all([
    keys.customerNumber === null ? null : lookups.salesman(keys.customerNumber),
    linkMode === 'off' || keys.salesOrderNo === null ? null : lookups.salesOrder(keys.salesOrderNo),
  ]);
  return { salesmanNumber, salesOrder };
}

/** One WDT query by stock-out number (page 0 is enough: a number names one stock-out). */
export function wdtOrderFetcher(wdt: Pick<WdtClient, 'queryStockoutPage'>): DryRunDeps['fetchOrder'] {
  return async (stockoutNo, signal) => {
    const page = await wdt.queryStockoutPage({ stockoutNo, pageNo: 0, pageSize: 10 }, signal);
    const exact = page.orders.find(
      (order) => order.order_no === stockoutNo || order.stockout_no === stockoutNo,
    );
    return exact ?? null;
  };
}

/** Direct, uncached K3 queries (a dry run asks once per click): the loader's reads, one at a time. */
export function k3DryRunLookups(client: Pick<K3CloudClient, 'queryAll'>): DryRunLookups {
  return {
    salesman: async (customerNumber) => {
      const seller = (await findCustomerSellers(client, [customerNumber])).get(customerNumber);
      return seller === undefined || seller === '' ? null : seller;
    },
    salesOrder: async (billNo) => (await findSalesOrders(client, [billNo])).get(billNo) ?? null,
  };
}

export interface OrderTools {
  /** undefined without WDT settings: the dry-run route answers 503. */
  readonly dryRun: DryRun | undefined;
  readonly preview: PreviewOrder;
  /** Ends the clients' keep-alive sockets. */
  close(): void;
}

/**
 * Builds the dry run (with WDT settings) and the preview (always) from settings (main.ts), over
 * one profile and one K3 client.
 */
export async function openOrderTools(
  settings: MappingSettings & { readonly wdt: DryRunSettings['wdt'] | null },
  logger: Logger,
): Promise<OrderTools> {
  const profile =
    settings.mappingProfilePath === undefined
      ? DEFAULT_MAPPING_PROFILE
      : await loadMappingProfile(settings.mappingProfilePath);
  const wdt = settings.wdt === null ? null : createWdtClient({ ...settings.wdt, logger });
  const k3 =
    settings.k3 === null
      ? null
      : createK3CloudClient({
          ...settings.k3,
          maxConcurrentRequests: 2,
          logger: logger.child({ component: 'k3-client' }),
        });
  const mapping = { profile, linkMode: settings.linkMode, lookups: k3 === null ? null : k3DryRunLookups(k3) };
  return {
    dryRun: wdt === null ? undefined : createDryRun({ ...mapping, fetchOrder: wdtOrderFetcher(wdt) }),
    preview: createOrderPreview(mapping),
    close: () => {
      wdt?.close();
      k3?.close();
    },
  };
}

/** The dry run alone, from dry-run settings. */
export async function openDryRun(
  settings: DryRunSettings,
  logger: Logger,
): Promise<{ dryRun: DryRun; close: () => void }> {
  const tools = await openOrderTools(settings, logger);
  const { dryRun } = tools;
  if (dryRun === undefined) throw new Error('unreachable: WDT settings were given');
  return { dryRun, close: () => tools.close() };
}
