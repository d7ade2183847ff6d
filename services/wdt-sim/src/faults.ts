import { createRandom } from '@wdt-k3/sim-data';
import { z } from 'zod';

const rate = z.number().min(0).max(1);

/** How many rows one call changes: a whole number drawn uniformly from [min, max]. */
const rowsPerCall = z
  .object({ min: z.number().int().min(0).max(1000), max: z.number().int().min(0).max(1000) })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max' });

/** One scripted answer for one upcoming `/router/qm` call, consumed in order. */
const scriptStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drop') }),
  z.object({ kind: z.literal('timeout') }),
  z.object({ kind: z.literal('http'), status: z.number().int().min(400).max(599) }),
  z.object({ kind: z.literal('garbage') }),
  z.object({
    kind: z.literal('gateway'),
    code: z.number().int(),
    message: z.string().default('Remote service error'),
    subCode: z.string().optional(),
    subMessage: z.string().optional(),
  }),
  z.object({ kind: z.literal('wdt'), errorcode: z.number().int(), message: z.string().default('系统错误') }),
]);

export const faultsSchema = z
  .object({
    /** Seeds the draws of the `*Rate` knobs, so a fault run repeats exactly. */
    seed: z.number().int().default(1),
    /** Added before every `/router/qm` answer. */
    latencyMs: z.number().int().min(0).max(600_000).default(0),
    /** Share of calls answered with HTTP `errorStatus` and an HTML body, like a proxy in trouble. */
    errorRate: rate.default(0),
    errorStatus: z.number().int().min(500).max(599).default(503),
    /** Share of calls never answered: the connection is held, then closed after `timeoutHoldMs`. */
    timeoutRate: rate.default(0),
    timeoutHoldMs: z.number().int().min(0).max(600_000).default(60_000),
    /** Share of calls whose connection is closed without an answer (a network failure). */
    dropRate: rate.default(0),
    /** Share of calls answered HTTP 200 with an HTML page instead of JSON (a captive proxy). */
    garbageRate: rate.default(0),
    /** Share of calls that pass the gateway and are answered WDT 1012 (rate limited) anyway. */
    rateLimitedRate: rate.default(0),
    /** Per app_key and minute; 0 = no limit. Omitted: the configured limit. */
    rateLimitPerMinute: z.number().int().min(0).optional(),
    /** A gateway failure served to a share of the calls that pass the gateway checks. */
    gatewayError: z
      .object({
        code: z.number().int(),
        message: z.string().default('Remote service error'),
        subCode: z.string().optional(),
        subMessage: z.string().optional(),
        rate: rate.default(1),
      })
      .nullable()
      .default(null),
    /** Between page calls, rows of the queried result leave it (see README). */
    modifyWhilePaging: z
      .object({
        rowsPerCall: z.number().int().min(1).max(1000),
        /** First rank changed; default the page size of the call, i.e. the row just after page 0. */
        fromRank: z.number().int().min(0).optional(),
        /** Stop after this many rows in total (counted from this PUT). */
        maxRows: z.number().int().min(1).optional(),
      })
      .nullable()
      .default(null),
    /**
     * Rows that change while a window is paged, drawn after every successful page from their
     * own stream of the seed (README "Churn"): `leave` rows at any rank of the result just
     * served, page 0 included, leave it; `enter` latent rows of the window become visible.
     */
    churn: z
      .object({
        leave: rowsPerCall.default({ min: 0, max: 0 }),
        enter: rowsPerCall.default({ min: 0, max: 0 }),
        /** Share of generated orders that start latent (invisible until `enter` reveals them). */
        latentShare: rate.default(0),
        /**
         * `modified` of a revealed row: `now` (becoming visible is a change), `kept` (its generated
         * time), or `auto` — now for consign-time queries, kept for modified-time ones, so it
         * enters the very window being read in both time modes.
         */
        enteredModified: z.enum(['auto', 'now', 'kept']).default('auto'),
        /** Stop after this many changed rows in total (counted from this PUT). */
        maxRows: z.number().int().min(1).optional(),
      })
      .strict()
      .nullable()
      .default(null),
    /** Scripted answers for the next calls, one per call, before any rate is drawn. */
    script: z.array(scriptStepSchema).max(10_000).default([]),
  })
  .strict();

export type Faults = z.output<typeof faultsSchema>;
export type ScriptStep = z.output<typeof scriptStepSchema>;
type GatewayErrorFault = NonNullable<Faults['gatewayError']>;

/** What happens to a call before the gateway looks at it. */
export type TransportFault =
  | { kind: 'drop' }
  | { kind: 'timeout' }
  | { kind: 'http'; status: number }
  | { kind: 'garbage' };

export interface FaultState {
  readonly current: Faults;
  replace(faults: Faults): void;
  /** The scripted step for this call, if any (each call takes at most one). */
  takeScripted(): ScriptStep | undefined;
  drawTransport(): TransportFault | undefined;
  drawGatewayError(): GatewayErrorFault | undefined;
  /** True when this call is to be answered 1012 although the limit was not reached. */
  drawRateLimited(): boolean;
  /** The churn stream: its own seeded draws, so error draws never shift which rows change. */
  churnRandom(): number;
  /** How many of `wanted` rows the modify-while-paging fault may still change (and counts them). */
  takeModifyBudget(wanted: number): number;
}

const churnSeed = (seed: number): number => (seed ^ 0x5eed_c4a9) >>> 0;

export function createFaultState(): FaultState {
  let current = faultsSchema.parse({});
  let random = createRandom(current.seed);
  let churn = createRandom(churnSeed(current.seed));
  let script: ScriptStep[] = [];
  let modified = 0;
  const hit = (share: number): boolean => share > 0 && random() < share;
  return {
    get current() {
      return { ...current, script: [...script] };
    },
    replace(faults) {
      current = faults;
      random = createRandom(faults.seed);
      churn = createRandom(churnSeed(faults.seed));
      script = [...faults.script];
      modified = 0;
    },
    takeScripted: () => script.shift(),
    drawTransport() {
      if (hit(current.dropRate)) return { kind: 'drop' };
      if (hit(current.timeoutRate)) return { kind: 'timeout' };
      if (hit(current.errorRate)) return { kind: 'http', status: current.errorStatus };
      if (hit(current.garbageRate)) return { kind: 'garbage' };
      return undefined;
    },
    drawRateLimited: () => hit(current.rateLimitedRate),
    churnRandom: () => churn(),
    takeModifyBudget(wanted) {
      const max = current.modifyWhilePaging?.maxRows ?? current.churn?.maxRows ?? Number.POSITIVE_INFINITY;
      const allowed = Math.max(0, Math.min(wanted, max - modified));
      modified += allowed;
      return allowed;
    },
    drawGatewayError() {
      const fault = current.gatewayError;
      return fault !== null && hit(fault.rate) ? fault : undefined;
    },
  };
}
