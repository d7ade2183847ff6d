import type { Deployment } from './auth/authenticate.ts';
import type { SimCredentials } from './auth/credentials.ts';
import { SessionStore } from './auth/sessions.ts';
import { CostModel, type CostModelSettings } from './cost-model.ts';
import { BaseDataStore } from './data/base-data.ts';
import { BillStore } from './data/bill-store.ts';
import { FaultEngine } from './faults.ts';
import { type FormSource, formSources } from './query/sources.ts';
import { SimStats } from './stats.ts';

/** How the simulated K3 account is configured (not faults: these are the customer's choices). */
export interface AccountSettings {
  /**
   * The SAL_OUTSTOCK numbering rule refuses a supplied FBillNo that is already used (MsgCode 11).
   * Off: "a K3 account whose numbering rule allows duplicates" — a second bill of a number is saved.
   */
  uniqueBillNo: boolean;
}

/**
 * Everything one simulator instance holds; `reset` clears all of it but the base data and the
 * account settings.
 */
export class SimState {
  readonly credentials: SimCredentials;
  readonly sessions: SessionStore;
  readonly bills = new BillStore();
  baseData = new BaseDataStore();
  stats = new SimStats();
  readonly faults = new FaultEngine();
  readonly cost: CostModel;
  readonly settings: AccountSettings;
  sources: ReadonlyMap<string, FormSource>;
  readonly signatureMaxSkewMs: number;
  readonly deployment: Deployment;
  readonly now: () => number;
  readonly #defaultTtlMs: number;

  constructor(options: {
    credentials: SimCredentials;
    sessionTtlMs: number;
    signatureMaxSkewMs: number;
    deployment: Deployment;
    costModel: CostModelSettings;
    settings: AccountSettings;
    now: () => number;
  }) {
    this.settings = { ...options.settings };
    this.credentials = options.credentials;
    this.#defaultTtlMs = options.sessionTtlMs;
    this.sessions = new SessionStore(options.sessionTtlMs, options.now);
    this.cost = new CostModel(options.costModel);
    this.signatureMaxSkewMs = options.signatureMaxSkewMs;
    this.deployment = options.deployment;
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
