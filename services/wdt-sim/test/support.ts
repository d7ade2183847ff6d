import type { AddressInfo } from 'node:net';
import { jsonControl } from '@wdt-k3/testkit';
import { buildQimenRequest, encodeForm, type SignMethod, STOCKOUT_QUERY_METHOD } from '@wdt-k3/wdt-client';
import type { FastifyInstance } from 'fastify';
import { buildWdtSimApp } from '../src/app.ts';
import type { WdtSimOptions } from '../src/sim-state.ts';

/** Demo credentials every test uses; the sim's clock starts at 2024-01-10 12:00:00 Beijing. */
export const CREDENTIALS = { appKey: 'test-app', appSecret: 'test-secret', sid: 'test-sid' } as const;
const START_MS = Date.UTC(2024, 0, 10, 4, 0, 0);
/** 2024-01-01 00:00:00 Beijing. */
export const DAY0_MS = Date.UTC(2023, 11, 31, 16, 0, 0);
export const DAY_MS = 86_400_000;

/** A clock tests move by hand, shared by the simulator and the client. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createClock(startMs = START_MS): TestClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

export interface RunningSim {
  readonly app: FastifyInstance;
  readonly baseUrl: string;
  readonly clock: TestClock;
  /** JSON control call over real HTTP; throws on a non-2xx answer. */
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The simulator on a real socket (port 0), with no rate limit unless asked. */
export async function startSim(options: Partial<WdtSimOptions> = {}): Promise<RunningSim> {
  const clock = createClock();
  const app = buildWdtSimApp({ ...CREDENTIALS, rateLimitPerMinute: 0, now: clock.now, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    baseUrl,
    clock,
    control: jsonControl(baseUrl),
    close: () => app.close(),
  };
}

/** A signed Qimen call as our client builds it, for `inject()`. */
export function signedCall(
  business: Record<string, string>,
  nowMs: number,
  options: { signMethod?: SignMethod; appSecret?: string; method?: string } = {},
): { url: string; payload: string } {
  const request = buildQimenRequest(
    {
      appKey: CREDENTIALS.appKey,
      appSecret: options.appSecret ?? CREDENTIALS.appSecret,
      targetAppKey: '21363512',
      signMethod: options.signMethod ?? 'md5',
    },
    options.method ?? STOCKOUT_QUERY_METHOD,
    { sid: CREDENTIALS.sid, ...business },
    nowMs,
  );
  return { url: `/router/qm?${encodeForm(request.query)}`, payload: encodeForm(request.form) };
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } as const;
