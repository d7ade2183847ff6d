import type { Logger } from '@wdt-k3/runtime';
import type { DatasetOptions } from '@wdt-k3/sim-data';
import { type ChangeLog, createChangeLog } from './change-log.ts';
import { createFaultState, type FaultState } from './faults.ts';
import { createOrderStore, type OrderStore } from './order-store.ts';
import type { GatewaySettings } from './qimen-auth.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createStats, type Stats } from './stats.ts';
import type { PageSettings } from './stockout-query.ts';

export interface WdtSimOptions {
  readonly appKey: string;
  readonly appSecret: string;
  /** WDT's Qimen AppKey; default `21363512`. */
  readonly targetAppKey?: string;
  readonly sid: string;
  /** Calls per app_key in a sliding minute; default 60; 0 = no limit. */
  readonly rateLimitPerMinute?: number;
  readonly pageSizeMax?: number;
  readonly pageSizeDefault?: number;
  /** Default ±10 minutes, TOP's tolerance. */
  readonly timestampToleranceMs?: number;
  /** The generated dataset served from the start (and restored by `/_sim/reset`). */
  readonly dataset?: DatasetOptions;
  /** The simulator's clock (epoch ms), for the timestamp check and the rate limit. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Largest control-API body (bulk `/_sim/orders`); default 64 MiB. */
  readonly bodyLimitBytes?: number;
}

/** Everything one simulator instance holds; shared by the Qimen route and the control API. */
export interface SimState {
  readonly gateway: GatewaySettings;
  readonly pages: PageSettings;
  readonly defaultRateLimitPerMinute: number;
  readonly initialDataset: DatasetOptions | undefined;
  readonly store: OrderStore;
  readonly faults: FaultState;
  readonly limiter: RateLimiter;
  readonly stats: Stats;
  /** What the paging faults changed, for tests that account for every row. */
  readonly changes: ChangeLog;
  readonly now: () => number;
  /** Aborted when the app closes, so held connections and latency waits end. */
  readonly closing: AbortController;
  rateLimitPerMinute(): number;
  nextRequestId(): string;
}

export function createSimState(options: WdtSimOptions): SimState {
  const faults = createFaultState();
  const defaultRateLimitPerMinute = options.rateLimitPerMinute ?? 60;
  let requests = 0;
  return {
    gateway: {
      appKey: options.appKey,
      appSecret: options.appSecret,
      targetAppKey: options.targetAppKey ?? '21363512',
      timestampToleranceMs: options.timestampToleranceMs ?? 10 * 60_000,
    },
    pages: {
      sid: options.sid,
      pageSizeDefault: options.pageSizeDefault ?? 40,
      pageSizeMax: options.pageSizeMax ?? 100,
    },
    defaultRateLimitPerMinute,
    initialDataset: options.dataset,
    store: createOrderStore(options.dataset),
    faults,
    limiter: createRateLimiter(),
    stats: createStats(),
    changes: createChangeLog(),
    now: options.now ?? Date.now,
    closing: new AbortController(),
    rateLimitPerMinute: () => faults.current.rateLimitPerMinute ?? defaultRateLimitPerMinute,
    nextRequestId: () => {
      requests += 1;
      // TOP request ids are short base-36 strings ("15qzd9btbeym5").
      return `sim${requests.toString(36).padStart(10, '0')}`;
    },
  };
}

/** Waits `ms`, or less when the app closes. */
export function pause(state: SimState, ms: number): Promise<void> {
  if (ms <= 0 || state.closing.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      state.closing.signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    state.closing.signal.addEventListener('abort', done, { once: true });
  });
}
