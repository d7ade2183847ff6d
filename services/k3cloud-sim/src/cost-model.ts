import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

/**
 * Real K3Cloud servers are slow: a BatchSave costs a fixed overhead plus time per bill, and the
 * application server works on a few calls at once. With the model on, each business call waits
 * for one of `maxConcurrent` slots, then holds it for `baseMs + perBillMs × bills`.
 */
export const costModelSchema = z.strictObject({
  enabled: z.boolean().default(false),
  baseMs: z.number().int().min(0).default(150),
  perBillMs: z.number().int().min(0).default(20),
  maxConcurrent: z.number().int().positive().default(4),
});

export type CostModelSettings = z.output<typeof costModelSchema>;

export class CostModel {
  #settings: CostModelSettings;
  #active = 0;
  #maxActive = 0;
  #queue: Array<() => void> = [];

  constructor(settings: CostModelSettings) {
    this.#settings = settings;
  }

  get settings(): CostModelSettings {
    return this.#settings;
  }

  set(settings: CostModelSettings): void {
    this.#settings = settings;
    while (this.#active < settings.maxConcurrent && this.#queue.length > 0) this.#grant();
  }

  /** Calls being charged now, waiting for a slot, and the most ever charged at once. */
  get load(): { active: number; queued: number; maxActive: number } {
    return { active: this.#active, queued: this.#queue.length, maxActive: this.#maxActive };
  }

  resetLoad(): void {
    this.#maxActive = this.#active;
  }

  async charge(bills: number): Promise<void> {
    if (!this.#settings.enabled) return;
    await this.#acquire();
    try {
      await sleep(this.#settings.baseMs + this.#settings.perBillMs * bills);
    } finally {
      this.#active -= 1;
      if (this.#queue.length > 0 && this.#active < this.#settings.maxConcurrent) this.#grant();
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#settings.maxConcurrent) {
      this.#active += 1;
      this.#maxActive = Math.max(this.#maxActive, this.#active);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #grant(): void {
    this.#active += 1;
    this.#maxActive = Math.max(this.#maxActive, this.#active);
    this.#queue.shift()?.();
  }
}
