import { describe, expect, it } from 'vitest';
import { minuteRemainderMs, parseStockoutResponse } from './envelope.ts';
import type { WdtError } from './errors.ts';

const NOW = Date.UTC(2024, 0, 1, 4, 0, 45); // 45 s into a minute

function failure(text: string): WdtError {
  try {
    parseStockoutResponse(text, NOW);
  } catch (err) {
    return err as WdtError;
  }
  throw new Error('expected a failure');
}

const gateway = (code: number | string, message: string, extra: Record<string, string> = {}): string =>
  JSON.stringify({ response: { flag: 'failure', code, message, request_id: 'r1', ...extra } });

describe('parseStockoutResponse', () => {
  it('returns total_count and the orders as received, unknown fields included', () => {
    const order = { stockout_id: 1, goods_count: '2.0000', some_future_field: { x: [1] } };
    const page = parseStockoutResponse(
      JSON.stringify({ response: { errorcode: 0, message: '', total_count: 1, stockout_list: [order] } }),
      NOW,
    );
    expect(page).toEqual({ totalCount: 1, orders: [order] });
  });

  it('reads a string total_count, a missing list and the absence of total_count on later pages', () => {
    expect(parseStockoutResponse('{"response":{"errorcode":"0","total_count":"2"}}', NOW)).toEqual({
      totalCount: 2,
      orders: [],
    });
    expect(parseStockoutResponse('{"response":{"errorcode":0,"stockout_list":[]}}', NOW)).toEqual({
      orders: [],
    });
    expect(parseStockoutResponse('{"response":{"flag":"success","stockout_list":[]}}', NOW)).toEqual({
      orders: [],
    });
  });

  it('turns WDT 1012 into WDT_RATE_LIMITED with the rest of the minute to wait', () => {
    const err = failure('{"response":{"errorcode":1012,"message":"系统调用频繁，旺店通1分钟最多60次"}}');
    expect(err).toMatchObject({ code: 'WDT_RATE_LIMITED', retryable: true });
    expect(err.rateLimit).toEqual({ retryAfterMs: 15_000, source: 'wdt' });
  });

  it('turns gateway code 7 into WDT_RATE_LIMITED with the ban TOP announces', () => {
    const err = failure(
      gateway(7, 'App Call Limited', { sub_message: 'This ban will last for 12 more seconds' }),
    );
    expect(err).toMatchObject({ code: 'WDT_RATE_LIMITED', retryable: true });
    expect(err.rateLimit).toEqual({ retryAfterMs: 12_000, source: 'gateway' });
    expect(failure(gateway(7, 'App Call Limited')).rateLimit?.retryAfterMs).toBe(15_000);
  });

  it.each([
    [25, 'WDT_SIGNATURE_INVALID', /app secret/],
    ['24', 'WDT_SIGNATURE_INVALID', /sign_method/],
    [29, 'WDT_APP_KEY_INVALID', /app key/],
    [28, 'WDT_APP_KEY_INVALID', /app key/],
    [31, 'WDT_TIMESTAMP_INVALID', /clock/],
    [30, 'WDT_TIMESTAMP_INVALID', /NTP/],
    [41, 'WDT_API_ERROR', /41/],
  ])('maps gateway code %s to %s, not retryable, saying what to fix', (code, expected, message) => {
    const err = failure(gateway(code, 'Invalid something'));
    expect(err).toMatchObject({ code: expected, retryable: false, message: expect.stringMatching(message) });
    expect(err.context).toMatchObject({ wdtCode: Number(code), requestId: 'r1' });
  });

  it('treats the platform failures of TOP (code 15, isp.* sub-codes) as retryable', () => {
    expect(failure(gateway(15, 'Remote service error'))).toMatchObject({
      code: 'WDT_API_ERROR',
      retryable: true,
    });
    expect(failure(gateway(40, 'x', { sub_code: 'isp.top-remote-connection-timeout' })).retryable).toBe(true);
  });

  it('passes any other WDT code through as WDT_API_ERROR with its code and message', () => {
    const err = failure('{"response":{"errorcode":1060,"message":"充值余额为0或应用已欠费"}}');
    expect(err).toMatchObject({ code: 'WDT_API_ERROR', retryable: false, context: { wdtCode: 1060 } });
    expect(err.message).toContain('充值余额为0');
  });

  it('reads the plain TOP error_response form too', () => {
    const err = failure('{"error_response":{"code":25,"msg":"Invalid signature","request_id":"x"}}');
    expect(err.code).toBe('WDT_SIGNATURE_INVALID');
  });

  it.each([
    '<html>502 Bad Gateway</html>',
    '',
    '{"result":{}}',
    '{"response":{}}',
    '{"response":{"errorcode":0,"stockout_list":{}}}',
    '{"response":{"errorcode":0,"stockout_list":[1]}}',
    '{"response":{"errorcode":0,"stockout_list":[[]]}}',
    '{"response":{"errorcode":0,"total_count":-3}}',
    '{"response":{"errorcode":"zero"}}',
  ])('refuses %j with WDT_BAD_RESPONSE', (text) => {
    expect(failure(text)).toMatchObject({ code: 'WDT_BAD_RESPONSE', retryable: true });
  });
});

describe('minuteRemainderMs', () => {
  it('is the rest of the current minute, at least a second', () => {
    expect(minuteRemainderMs(Date.UTC(2024, 0, 1, 0, 0, 0))).toBe(60_000);
    expect(minuteRemainderMs(Date.UTC(2024, 0, 1, 0, 0, 59, 500))).toBe(1000);
    expect(minuteRemainderMs(Date.UTC(2024, 0, 1, 0, 0, 31))).toBe(29_000);
  });
});
