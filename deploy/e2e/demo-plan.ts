/**
 * The dataset the tier runs the demo on, pinned so every order can be accounted for: both
 * simulators generate the same seeded orders over one fixed day that ended an hour ago (the
 * shipped demo spreads 300,000 over the 30 days up to the current hour, which moves while the test
 * runs and takes WDT's rate limit minutes to read). The day is cut into six-hour windows: the
 * extractor's first run reads the last one, and each later check backfills a fresh earlier one,
 * so each check has orders of its own to move; the earliest is split in two, the ledger's kill
 * taking the later half.
 */
import { createDataset, type Dataset } from '@wdt-k3/sim-data';

const HOUR_MS = 3_600_000;

export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface DemoPlan {
  readonly seed: number;
  readonly orders: number;
  readonly dataset: Dataset;
  /** Where the extractor's first run starts (EXTRACT_START_FROM). */
  readonly startFromMs: number;
  readonly windows: {
    /** The first run: from the start minus the extractor's overlap, to the end of the data. */
    readonly first: Window;
    readonly scale: Window;
    readonly state: Window;
    readonly kill: Window;
    readonly ledger: Window;
  };
  /** Interpolation variables of docker-compose.yml (documented in .env.example). */
  readonly composeVariables: Readonly<Record<string, string>>;
  /** The compose override: the pinned window for both simulators and the extractor's start. */
  override(options: { buildOnHostNetwork: boolean }): string;
}

export function planDemo(nowMs: number, overlapMs: number): DemoPlan {
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const fromMs = toMs - 24 * HOUR_MS;
  const seed = 7;
  const orders = 4_000;
  const at = (hoursBeforeEnd: number): number => toMs - hoursBeforeEnd * HOUR_MS;
  const startFromMs = at(6);
  return {
    seed,
    orders,
    dataset: createDataset({ seed, count: orders, fromMs, toMs }),
    startFromMs,
    windows: {
      first: { fromMs: startFromMs - overlapMs, toMs },
      scale: { fromMs: at(12), toMs: at(6) },
      state: { fromMs: at(18), toMs: at(12) },
      kill: { fromMs, toMs: at(21) },
      ledger: { fromMs: at(21), toMs: at(18) },
    },
    composeVariables: { DEMO_SEED: String(seed), DEMO_ORDERS: String(orders) },
    override: ({ buildOnHostNetwork }) =>
      // JSON is YAML; compose merges this over docker-compose.yml.
      JSON.stringify(
        {
          services: {
            extractor: {
              ...(buildOnHostNetwork ? { build: { network: 'host' } } : {}),
              environment: { EXTRACT_START_FROM: new Date(startFromMs).toISOString() },
            },
            'wdt-sim': { environment: { WDT_SIM_FROM: String(fromMs), WDT_SIM_TO: String(toMs) } },
            'k3cloud-sim': { environment: { K3_SIM_FROM: String(fromMs), K3_SIM_TO: String(toMs) } },
          },
        },
        null,
        2,
      ),
  };
}

/**
 * The order numbers (K3's FBillNo) whose consign time falls in any of `windows`, at the second
 * WDT filters on.
 */
export function ordersIn(dataset: Dataset, windows: readonly Window[]): Set<string> {
  const out = new Set<string>();
  for (let index = 0; index < dataset.count; index += 1) {
    const second = Math.floor(dataset.consignTimeAt(index) / 1000) * 1000;
    if (windows.some((w) => second >= w.fromMs && second < w.toMs)) out.add(dataset.orderAt(index).order_no);
  }
  return out;
}
