import type { SimCredentials } from './auth/credentials.ts';
import { SessionStore } from './auth/sessions.ts';
import { CostModel, type CostModelSettings } from './cost-model.ts';
import { BaseDataStore } from './data/base-data.ts';
import { BillStore } from './data/bill-store.ts';
import { FaultEngine } from './faults.ts';
import { type FormSource, formSources } from './query/sources.ts';
import { SimStats } from './stats.ts';

/** Everything one simulator instance holds; `reset` clears all of it but the base data. */
export class SimState {
  readonly credentials: SimCredentials;
  readonly sessions: SessionStore;
  readonly bills = new BillStore();
  baseData = new BaseDataStore();
  stats = new SimStats();
  readonly faults = new FaultEngine();
  readonly cost: CostModel;
  sources: ReadonlyMap<string, FormSource>;
  readonly signatureMaxSkewMs: number;
  readonly now: () => number;
  readonly #defaultTtlMs: number;

  constructor(options: {
    credentials: SimCredentials;
    sessionTtlMs: number;
    signatureMaxSkewMs: number;
    costModel: CostModelSettings;
    now: () => number;
  }) {
    this.credentials = options.credentials;
    this.#defaultTtlMs = options.sessionTtlMs;
    this.sessions = new SessionStore(options.sessionTtlMs, options.now);
    this.cost = new CostModel(options.costModel);
    this.signatureMaxSkewMs = options.signatureMaxSkewMs;
    this.now = options.now;
    this.sources = formSources(this.bills, this.baseData);
  }

  reset(options: { baseData: boolean }): void {
    this.bills.clear();
    this.sessions.expireAll();
    this.sessions.ttlMs = this.#defaultTtlMs;
    this.stats = new SimStats();
    this.cost.resetLoad();
    this.faults.set({ seed: 1 });
    if (options.baseData) {
      this.baseData = new BaseDataStore();
      this.sources = formSources(this.bills, this.baseData);
    }
  }
}
