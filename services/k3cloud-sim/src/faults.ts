import { createRandom } from '@wdt-k3/sim-data';
import { z } from 'zod';

const rule = {
  /** Probability per matching call (seeded, so a run is reproducible). */
  rate: z.number().min(0).max(1).default(1),
  /** Apply at most this many times, then stop. */
  count: z.number().int().positive().optional(),
  /** Short service names (`BatchSave`, `ExecuteBillQuery`, `LoginByAppSecret`…); default all. */
  services: z.array(z.string()).optional(),
};

/** `PUT /_sim/faults` body; it replaces the whole fault set. */
export const faultsSchema = z.strictObject({
  seed: z.number().int().default(1),
  latency: z
    .strictObject({
      perCallMs: z.number().int().min(0).default(0),
      perBillMs: z.number().int().min(0).default(0),
    })
    .optional(),
  http5xx: z.strictObject({ ...rule, status: z.number().int().min(500).max(599).default(503) }).optional(),
  gatewayError: z
    .strictObject({
      ...rule,
      errcode: z.number().int().default(5002),
      description: z.string().default('Service temporarily unavailable[GW]'),
      descriptionCn: z.string().default('服务暂时不可用[网关]'),
    })
    .optional(),
  responseError: z
    .strictObject({
      ...rule,
      message: z.string().default('Timeout expired. The timeout period elapsed (SQL).'),
    })
    .optional(),
  /** Hold the response until the client gives up (closes the socket), or `maxMs`. */
  hang: z
    .strictObject({
      ...rule,
      afterCommit: z.boolean().default(false),
      maxMs: z.number().int().positive().default(600_000),
    })
    .optional(),
  /** Save the bills, then destroy the socket without answering. */
  dropAfterCommit: z.strictObject(rule).optional(),
  /** MsgCode 14 when exceeded. */
  callLimit: z
    .strictObject({
      maxCallsPerSecond: z.number().int().positive().optional(),
      maxConcurrent: z.number().int().positive().optional(),
      services: z.array(z.string()).optional(),
    })
    .optional(),
  /** New idle TTL for sessions. */
  sessionTtlMs: z.number().int().positive().optional(),
  /** One-shot: invalidate every session now. */
  expireSessions: z.boolean().optional(),
});

export type FaultsConfig = z.output<typeof faultsSchema>;
export type FaultKind = 'http5xx' | 'gatewayError' | 'responseError' | 'hang' | 'dropAfterCommit';
type RuleOf<K extends FaultKind> = NonNullable<FaultsConfig[K]>;

const matches = (services: readonly string[] | undefined, service: string): boolean =>
  services === undefined || services.some((name) => name.toLowerCase() === service.toLowerCase());

/** Decides, call by call, which injected faults apply. */
export class FaultEngine {
  #config: FaultsConfig = faultsSchema.parse({});
  #used = new Map<FaultKind, number>();
  #random = createRandom(1);
  #recentCalls: number[] = [];

  get config(): FaultsConfig {
    return this.#config;
  }

  set(config: FaultsConfig): void {
    this.#config = config;
    this.#used.clear();
    this.#random = createRandom(config.seed);
  }

  fire<K extends FaultKind>(kind: K, service: string): RuleOf<K> | undefined {
    const spec = this.#config[kind] as RuleOf<K> | undefined;
    if (spec === undefined || !matches(spec.services, service)) return undefined;
    const used = this.#used.get(kind) ?? 0;
    if (spec.count !== undefined && used >= spec.count) return undefined;
    if (spec.rate < 1 && this.#random() >= spec.rate) return undefined;
    this.#used.set(kind, used + 1);
    return spec;
  }

  /** True when this call exceeds the MsgCode 14 limits (`inFlight` includes it). */
  callLimited(service: string, inFlight: number, nowMs: number): boolean {
    const limit = this.#config.callLimit;
    if (limit === undefined || !matches(limit.services, service)) return false;
    if (limit.maxConcurrent !== undefined && inFlight > limit.maxConcurrent) return true;
    if (limit.maxCallsPerSecond === undefined) return false;
    while (this.#recentCalls.length > 0 && nowMs - (this.#recentCalls[0] ?? 0) >= 1000)
      this.#recentCalls.shift();
    if (this.#recentCalls.length >= limit.maxCallsPerSecond) return true;
    this.#recentCalls.push(nowMs);
    return false;
  }

  latencyMs(bills: number): number {
    const latency = this.#config.latency;
    return latency === undefined ? 0 : latency.perCallMs + latency.perBillMs * bills;
  }
}
