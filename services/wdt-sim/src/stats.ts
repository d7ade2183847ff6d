/** How a call arrived, without any parameter value (the sign and business data stay out). */
export interface CallShape {
  readonly httpMethod: string;
  readonly path: string;
  readonly queryKeys: readonly string[];
  readonly bodyKeys: readonly string[];
  readonly contentType: string | null;
  readonly acceptEncoding: string | null;
  readonly signMethod: string | null;
}

export interface StatsSnapshot {
  readonly calls: number;
  /** Successful stock-out query answers. */
  readonly pages: number;
  readonly ordersServed: number;
  readonly callsPerMinute: number;
  readonly errors: {
    readonly total: number;
    readonly gateway: Readonly<Record<string, number>>;
    readonly wdt: Readonly<Record<string, number>>;
    readonly http: Readonly<Record<string, number>>;
    readonly dropped: number;
    readonly timeouts: number;
    readonly garbage: number;
  };
  /** stockout_ids that left a result through a paging fault, in change order. */
  readonly modifiedRows: readonly number[];
  /** stockout_ids of latent rows the churn fault made visible, in change order. */
  readonly enteredRows: readonly number[];
  readonly lastCall: CallShape | null;
}

type ErrorKind = 'gateway' | 'wdt' | 'http' | 'dropped' | 'timeouts' | 'garbage';

export interface Stats {
  recordCall(nowMs: number, shape: CallShape): void;
  recordPage(orders: number): void;
  recordError(kind: ErrorKind, code?: number): void;
  recordModified(stockoutId: number): void;
  recordEntered(stockoutId: number): void;
  snapshot(nowMs: number): StatsSnapshot;
  reset(): void;
}

export function createStats(): Stats {
  let calls = 0;
  let pages = 0;
  let ordersServed = 0;
  let callTimes: number[] = [];
  let byCode = {
    gateway: new Map<number, number>(),
    wdt: new Map<number, number>(),
    http: new Map<number, number>(),
  };
  let counts = { dropped: 0, timeouts: 0, garbage: 0 };
  let modifiedRows: number[] = [];
  let enteredRows: number[] = [];
  let lastCall: CallShape | null = null;
  const bump = (map: Map<number, number>, code: number): void => {
    map.set(code, (map.get(code) ?? 0) + 1);
  };
  const total = (): number =>
    [...byCode.gateway.values(), ...byCode.wdt.values(), ...byCode.http.values()].reduce((a, b) => a + b, 0) +
    counts.dropped +
    counts.timeouts +
    counts.garbage;
  return {
    recordCall(nowMs, shape) {
      calls += 1;
      lastCall = shape;
      // Times arrive in order; trimming the head keeps this O(1) at thousands of calls a minute.
      while (callTimes.length > 0 && (callTimes[0] as number) <= nowMs - 60_000) callTimes.shift();
      callTimes.push(nowMs);
    },
    recordPage(orders) {
      pages += 1;
      ordersServed += orders;
    },
    recordError(kind, code = 0) {
      if (kind === 'gateway' || kind === 'wdt' || kind === 'http') bump(byCode[kind], code);
      else counts[kind] += 1;
    },
    recordModified: (stockoutId) => {
      modifiedRows.push(stockoutId);
    },
    recordEntered: (stockoutId) => {
      enteredRows.push(stockoutId);
    },
    snapshot: (nowMs) => ({
      calls,
      pages,
      ordersServed,
      callsPerMinute: callTimes.filter((at) => at > nowMs - 60_000).length,
      errors: {
        total: total(),
        gateway: Object.fromEntries(byCode.gateway),
        wdt: Object.fromEntries(byCode.wdt),
        http: Object.fromEntries(byCode.http),
        ...counts,
      },
      modifiedRows: [...modifiedRows],
      enteredRows: [...enteredRows],
      lastCall,
    }),
    reset() {
      calls = 0;
      pages = 0;
      ordersServed = 0;
      callTimes = [];
      byCode = { gateway: new Map(), wdt: new Map(), http: new Map() };
      counts = { dropped: 0, timeouts: 0, garbage: 0 };
      modifiedRows = [];
      enteredRows = [];
      lastCall = null;
    },
  };
}
