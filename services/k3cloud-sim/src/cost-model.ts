import { setTimeout as sleep } from 'node:timers/promises';
import { createSemaphore, type Semaphore } from '@wdt-k3/runtime';
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
  #slots: Semaphore;
  #maxActive = 0;

  constructor(settings: CostModelSettings) {
    this.#settings = settings;
    this.#slots = createSemaphore(settings.maxConcurrent);
  }

  get settings(): CostModelSettings {
    return this.#settings;
  }

  set(settings: CostModelSettings): void {
    this.#settings = settings;
    this.#slots.limit = settings.maxConcurrent;
  }

  /** Calls being charged now, waiting for a slot, and the most ever charged at once. */
  get load(): { active: number; queued: number; maxActive: number } {
    return { active: this.#slots.active, queued: this.#slots.waiting, maxActive: this.#maxActive };
  }

  resetLoad(): void {
    this.#maxActive = this.#slots.active;
  }

  async charge(bills: number): Promise<void> {
    if (!this.#settings.enabled) return;
    await this.#slots.run(async () => {
      this.#maxActive = Math.max(this.#maxActive, this.#slots.active);
      await sleep(this.#settings.baseMs + this.#settings.perBillMs * bills);
    });
  }
}
