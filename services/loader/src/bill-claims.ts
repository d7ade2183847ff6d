import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';

/**
 * Fleet-wide in-flight claims per bill number. A loader sends a bill only while it holds the
 * bill's claim; a claim is a Redis key `{prefix}:claims:<FBillNo>` (the queues' hash tag, so it
 * shares their Cluster slot) whose value is the owner (this process's id and the batch) and
 * whose PX TTL runs on Redis's clock, never a local one. Releases and renewals compare the owner
 * first, so a batch only ever frees or extends what it holds.
 *
 * Cost: one script call (one round trip) per batch. Releases do not get a round trip of their
 * own under load: they wait up to `releaseDelayMs` and ride along with the next batch's
 * acquisition; renewals that fall due ride along the same way, and only an idle process sends
 * them alone.
 */
export interface BillClaimSettings {
  /** Claim lifetime; renewed every third of it while its batch runs. */
  readonly ttlMs: number;
  /** Longest a release waits for the next acquisition to carry it. */
  readonly releaseDelayMs: number;
  /** Monotonic ms clock (tests); only ever used for durations inside this process. */
  readonly now?: () => number;
}

export type ClaimRoundTrip = 'acquire' | 'renew' | 'release' | 'confirm';

export interface BillClaimHooks {
  readonly onRoundTrip?: (reason: ClaimRoundTrip) => void;
  /** Claims this process held but found gone or taken at a renewal (it was paused past the TTL). */
  readonly onLost?: (count: number) => void;
}

export interface BatchClaim {
  /** Numbers this batch holds: only these may be sent. */
  readonly held: ReadonlySet<string>;
  /** Numbers another batch (of any loader) holds → ms until that claim expires unless renewed. */
  readonly busy: ReadonlyMap<string, number>;
  /**
   * Right before sending: the numbers still held. When more than half the TTL passed since the
   * claims were last confirmed (this process may have been paused), they are confirmed in Redis
   * first and lost ones are left out.
   */
  confirm(): Promise<ReadonlySet<string>>;
  /** The outcome is known (saved, found, refused, never sent): others may take the numbers. */
  release(billNos: Iterable<string>): void;
  /**
   * The outcome is unknown (an ambiguous save not settled by a check): stop renewing and let the
   * claims expire, so the next holder comes only after the TTL and checks K3 before sending.
   */
  keep(billNos: Iterable<string>): void;
  /** Safety net: every number neither released nor kept yet is kept. */
  end(): void;
}

export interface BillClaims {
  /** This process's part of every owner it writes. */
  readonly processId: string;
  acquire(billNos: readonly string[]): Promise<BatchClaim>;
  /** Sends queued releases now (shutdown; Redis is closed right after). */
  flush(): Promise<void>;
}

/** The claim key of a bill number. */
export function claimKey(prefix: string, billNo: string): string {
  return `${prefix}:claims:${billNo}`;
}

/**
 * KEYS: releases, then renewals, then acquisitions. ARGV: ttl, #releases, #renewals, the
 * acquiring owner, then the owner of each release and of each renewal. Returns
 * { renewed flags, acquisitions } where an acquisition is -1 (held by the acquiring owner now)
 * or the ms the other owner's claim has left.
 */
const CLAIMS_SCRIPT = `
local ttl = ARGV[1]
local releases = tonumber(ARGV[2])
local renewals = tonumber(ARGV[3])
local owner = ARGV[4]
for i = 1, releases do
  if redis.call('GET', KEYS[i]) == ARGV[4 + i] then redis.call('DEL', KEYS[i]) end
end
local renewed = {}
for i = releases + 1, releases + renewals do
  if redis.call('GET', KEYS[i]) == ARGV[4 + i] then
    redis.call('PEXPIRE', KEYS[i], ttl)
    renewed[#renewed + 1] = 1
  else
    renewed[#renewed + 1] = 0
  end
end
local acquired = {}
for i = releases + renewals + 1, #KEYS do
  if redis.call('SET', KEYS[i], owner, 'NX', 'PX', ttl) then
    acquired[#acquired + 1] = -1
  elseif redis.call('GET', KEYS[i]) == owner then
    redis.call('PEXPIRE', KEYS[i], ttl)
    acquired[#acquired + 1] = -1
  else
    local left = redis.call('PTTL', KEYS[i])
    -- A claim without a TTL (written by hand) must not block its bill forever.
    if left < 0 then
      redis.call('PEXPIRE', KEYS[i], ttl)
      left = tonumber(ttl)
    end
    acquired[#acquired + 1] = left
  end
end
return { renewed, acquired }
`;

const COMMAND = 'wdtk3BillClaims';
type ClaimsCommand = (numKeys: number, ...args: Array<string | number>) => Promise<[number[], number[]]>;

interface Op {
  readonly key: string;
  readonly owner: string;
}

interface LiveClaim {
  readonly owner: string;
  readonly held: Set<string>;
  confirmedAt: number;
}

export function createBillClaims(
  redis: RedisConnection,
  prefix: string,
  settings: BillClaimSettings,
  logger: Logger,
  hooks: BillClaimHooks = {},
): BillClaims {
  redis.defineCommand(COMMAND, { lua: CLAIMS_SCRIPT });
  const command = (redis as unknown as Record<string, ClaimsCommand>)[COMMAND] as ClaimsCommand;
  const processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let batchSeq = 0;
  let releases: Op[] = [];
  let releaseTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  const live = new Set<LiveClaim>();
  const renewEveryMs = settings.ttlMs / 3;
  const now = settings.now ?? (() => performance.now());
  const keyOf = (billNo: string): string => claimKey(prefix, billNo);

  /** Renewals of live claims not confirmed for a third of the TTL (or all of `only`). */
  const renewalsDue = (only?: LiveClaim): Array<{ claim: LiveClaim; billNo: string }> => {
    const due: Array<{ claim: LiveClaim; billNo: string }> = [];
    const at = now();
    for (const claim of only === undefined ? live : [only]) {
      if (only === undefined && at - claim.confirmedAt < renewEveryMs) continue;
      for (const billNo of claim.held) due.push({ claim, billNo });
    }
    return due;
  };

  /** One script call: queued releases, the given renewals and acquisitions. */
  const call = async (
    reason: ClaimRoundTrip,
    renewals: ReadonlyArray<{ claim: LiveClaim; billNo: string }>,
    acquire: { owner: string; billNos: readonly string[] } | undefined,
  ): Promise<number[]> => {
    const carried = releases;
    releases = [];
    clearTimeout(releaseTimer);
    releaseTimer = undefined;
    const keys = [
      ...carried.map((op) => op.key),
      ...renewals.map((renewal) => keyOf(renewal.billNo)),
      ...(acquire?.billNos ?? []).map(keyOf),
    ];
    const args = [
      settings.ttlMs,
      carried.length,
      renewals.length,
      acquire?.owner ?? '',
      ...carried.map((op) => op.owner),
      ...renewals.map((renewal) => renewal.claim.owner),
    ];
    const sentAt = now();
    hooks.onRoundTrip?.(reason);
    let renewed: number[];
    let acquired: number[];
    try {
      [renewed, acquired] = await command.call(redis, keys.length, ...keys, ...args);
    } catch (err) {
      // Releases are compare-and-delete, so sending them again is safe; an acquisition that may
      // have run is undone the same way (its batch fails and sends nothing).
      releases.push(...carried);
      if (acquire !== undefined) {
        for (const billNo of acquire.billNos) releases.push({ key: keyOf(billNo), owner: acquire.owner });
      }
      scheduleRelease();
      throw err;
    }
    let lost = 0;
    renewals.forEach((renewal, index) => {
      if (renewed[index] === 1) {
        renewal.claim.confirmedAt = Math.max(renewal.claim.confirmedAt, sentAt);
      } else if (renewal.claim.held.delete(renewal.billNo)) lost += 1;
    });
    if (lost > 0) {
      hooks.onLost?.(lost);
      logger.warn({ lost }, 'bill claims lost while held: this process was paused longer than their TTL');
    }
    return acquired;
  };

  const scheduleRelease = (): void => {
    if (releases.length === 0 || releaseTimer !== undefined) return;
    releaseTimer = setTimeout(() => {
      releaseTimer = undefined;
      if (releases.length === 0) return;
      call('release', [], undefined).catch((err: unknown) =>
        logger.warn({ err: { message: (err as Error).message } }, 'bill claim release failed; retried'),
      );
    }, settings.releaseDelayMs);
    releaseTimer.unref();
  };

  const forget = (claim: LiveClaim): void => {
    if (claim.held.size > 0) return;
    live.delete(claim);
    if (live.size === 0) {
      clearInterval(renewTimer);
      renewTimer = undefined;
    }
  };

  const track = (claim: LiveClaim): void => {
    if (claim.held.size === 0) return;
    live.add(claim);
    renewTimer ??= setInterval(() => {
      const due = renewalsDue();
      if (due.length === 0) return;
      call('renew', due, undefined).catch((err: unknown) =>
        logger.warn({ err: { message: (err as Error).message } }, 'bill claim renewal failed; retried'),
      );
    }, renewEveryMs);
    renewTimer.unref();
  };

  const batchClaim = (claim: LiveClaim, busy: Map<string, number>): BatchClaim => ({
    held: claim.held,
    busy,
    confirm: async () => {
      if (now() - claim.confirmedAt <= settings.ttlMs / 2 || claim.held.size === 0) return claim.held;
      await call('confirm', renewalsDue(claim), undefined);
      forget(claim);
      return claim.held;
    },
    release: (billNos) => {
      for (const billNo of billNos) {
        if (claim.held.delete(billNo)) releases.push({ key: keyOf(billNo), owner: claim.owner });
      }
      forget(claim);
      scheduleRelease();
    },
    keep: (billNos) => {
      for (const billNo of billNos) claim.held.delete(billNo);
      forget(claim);
    },
    end: () => {
      claim.held.clear();
      forget(claim);
    },
  });

  return {
    processId,
    acquire: async (billNos) => {
      batchSeq += 1;
      const claim: LiveClaim = { owner: `${processId}#${batchSeq}`, held: new Set(), confirmedAt: 0 };
      const unique = [...new Set(billNos)];
      const sentAt = now();
      const results = await call('acquire', renewalsDue(), { owner: claim.owner, billNos: unique });
      const busy = new Map<string, number>();
      unique.forEach((billNo, index) => {
        const left = results[index] ?? 0;
        if (left === -1) claim.held.add(billNo);
        else busy.set(billNo, left);
      });
      claim.confirmedAt = sentAt;
      track(claim);
      return batchClaim(claim, busy);
    },
    flush: async () => {
      if (releases.length > 0) await call('release', [], undefined);
    },
  };
}

const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 5_000;

/**
 * How long a job whose number another batch holds waits before trying again: doubling from
 * 250 ms (about one BatchSave of 50 against a real server) to 5 s, and never past the claim's
 * own expiry, after which the number is free for sure. `waitsSoFar` counts earlier waits.
 */
export function claimWaitMs(waitsSoFar: number, expiresInMs: number | undefined): number {
  const step = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.max(0, Math.min(waitsSoFar, 10)));
  return expiresInMs === undefined ? step : Math.max(10, Math.min(step, expiresInMs + 10));
}

/** For `LOADER_BILL_CLAIMS=false`: every number is "held", nothing touches Redis. */
export function createNoBillClaims(): BillClaims {
  return {
    processId: 'no-claims',
    acquire: async (billNos) => {
      const held = new Set(billNos);
      return {
        held,
        busy: new Map(),
        confirm: async () => held,
        release: () => undefined,
        keep: () => undefined,
        end: () => undefined,
      };
    },
    flush: async () => undefined,
  };
}
