import { LIMITS, type RobotType } from './robots.ts';

export type RateVerdict = 'ok' | 'minute' | 'second' | 'throttled';

/**
 * Per-robot sliding windows of accepted messages, on the simulator's clock. DingTalk's over-limit
 * message starts a 10-minute mute in which every message is refused; the others refuse only the
 * messages over the limit. Refused messages do not count.
 */
export class RateLimits {
  readonly #accepted = new Map<string, number[]>();
  readonly #mutedUntil = new Map<string, number>();

  check(robot: string, type: RobotType, now: number): RateVerdict {
    const limit = LIMITS[type];
    if ((this.#mutedUntil.get(robot) ?? 0) > now) return 'throttled';
    const recent = (this.#accepted.get(robot) ?? []).filter((at) => at > now - 60_000);
    this.#accepted.set(robot, recent);
    if (recent.length >= limit.perMinute) {
      if (limit.throttleMs > 0) this.#mutedUntil.set(robot, now + limit.throttleMs);
      return 'minute';
    }
    if (limit.perSecond !== null && recent.filter((at) => at > now - 1_000).length >= limit.perSecond)
      return 'second';
    return 'ok';
  }

  /** Counts an accepted message. */
  accept(robot: string, now: number): void {
    this.#accepted.get(robot)?.push(now) ?? this.#accepted.set(robot, [now]);
  }

  reset(): void {
    this.#accepted.clear();
    this.#mutedUntil.clear();
  }
}
