import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkQimenCall, verifyQimenSignature } from './qimen-auth.ts';

/** The reference's worked example (§1.2) with its three published signatures. */
const EXAMPLE = {
  app_key: '12345678',
  end_time: '2024-01-01 23:59:59',
  format: 'json',
  method: 'wdt.stockout.order.query.trade',
  page_no: '0',
  page_size: '100',
  sid: 'test2',
  start_time: '2024-01-01 00:00:00',
  target_app_key: '21363512',
  timestamp: '2024-01-01 12:00:00',
  v: '2.0',
};
const VECTORS = [
  ['md5', '256DB7F32C7C485305D515585C055997'],
  ['hmac', '5F5944C3C6417A7CE3C42C2D3D58877C'],
  ['hmac-sha256', 'AD687FF54D0D7DEE4345EE81A5E3F673B1B0708840AFA63A9B5CEFB149F42801'],
] as const;
const NOW = Date.UTC(2024, 0, 1, 4, 0, 0); // 12:00:00 Beijing
const SETTINGS = {
  appKey: '12345678',
  appSecret: 'testsecret',
  targetAppKey: '21363512',
  timestampToleranceMs: 600_000,
};

describe('verifyQimenSignature', () => {
  it.each(VECTORS)('accepts the reference vector for %s', (method, sign) => {
    expect(verifyQimenSignature({ ...EXAMPLE, sign_method: method, sign }, 'testsecret')).toBe(true);
  });

  it.each(VECTORS)(
    'refuses the %s vector with another secret, a tampered value or lowercase hex',
    (method, sign) => {
      const params = { ...EXAMPLE, sign_method: method, sign };
      expect(verifyQimenSignature(params, 'testsecreT')).toBe(false);
      expect(verifyQimenSignature({ ...params, page_size: '99' }, 'testsecret')).toBe(false);
      expect(verifyQimenSignature({ ...params, extra: 'x' }, 'testsecret')).toBe(false);
      expect(verifyQimenSignature({ ...params, sign: sign.toLowerCase() }, 'testsecret')).toBe(false);
    },
  );

  it('accepts both readings of an empty parameter: skipped (Java SDK) or name-only (PHP SDK)', () => {
    const params = { ...EXAMPLE, sign_method: 'md5', shop_no: '' };
    const md5 = (text: string) => createHash('md5').update(text).digest('hex').toUpperCase();
    const sorted = Object.keys(params).sort();
    const java = sorted.map((k) =>
      params[k as keyof typeof params] === '' ? '' : k + params[k as keyof typeof params],
    );
    const php = sorted.map((k) => k + params[k as keyof typeof params]);
    expect(
      verifyQimenSignature({ ...params, sign: md5(`testsecret${java.join('')}testsecret`) }, 'testsecret'),
    ).toBe(true);
    expect(
      verifyQimenSignature({ ...params, sign: md5(`testsecret${php.join('')}testsecret`) }, 'testsecret'),
    ).toBe(true);
  });

  it('treats a missing sign_method as md5 and refuses an unknown one', () => {
    const withoutMethod: Record<string, string> = { ...EXAMPLE };
    const md5Sign = createHash('md5')
      .update(
        `testsecret${Object.keys(withoutMethod)
          .sort()
          .map((k) => k + withoutMethod[k])
          .join('')}testsecret`,
      )
      .digest('hex')
      .toUpperCase();
    expect(verifyQimenSignature({ ...withoutMethod, sign: md5Sign }, 'testsecret')).toBe(true);
    expect(verifyQimenSignature({ ...EXAMPLE, sign_method: 'sha1', sign: md5Sign }, 'testsecret')).toBe(
      false,
    );
  });
});

describe('checkQimenCall', () => {
  const valid = { ...EXAMPLE, sign_method: 'md5', sign: '256DB7F32C7C485305D515585C055997' };

  it('passes the reference example at its own time, ±10 minutes', () => {
    expect(checkQimenCall(valid, SETTINGS, NOW)).toBeUndefined();
    expect(checkQimenCall(valid, SETTINGS, NOW + 600_000)).toBeUndefined();
    expect(checkQimenCall(valid, SETTINGS, NOW - 600_000)).toBeUndefined();
  });

  it.each([
    ['no method', { method: '' }, 21],
    ['no app key', { app_key: '' }, 28],
    ['another app key', { app_key: '87654321' }, 29],
    ['no timestamp', { timestamp: '' }, 30],
    ['a timestamp in another format', { timestamp: '2024-01-01T12:00:00' }, 31],
    ['no version', { v: '' }, 32],
    ['another version', { v: '1.0' }, 34],
    ['xml format', { format: 'xml' }, 23],
    ['no sign', { sign: '' }, 24],
    ['a tampered parameter', { page_no: '1' }, 25],
  ])('refuses %s with TOP code %d', (_what, change, code) => {
    expect(checkQimenCall({ ...valid, ...change }, SETTINGS, NOW)?.code).toBe(code);
  });

  it('refuses a timestamp 10 minutes and a second away (TOP code 31)', () => {
    expect(checkQimenCall(valid, SETTINGS, NOW + 601_000)).toMatchObject({
      code: 31,
      message: 'Invalid timestamp',
    });
    expect(checkQimenCall(valid, SETTINGS, NOW - 601_000)?.code).toBe(31);
  });

  it('checks routing after the signature: target_app_key and the method name', () => {
    expect(checkQimenCall(valid, { ...SETTINGS, targetAppKey: '1' }, NOW)?.code).toBe(41);
    expect(checkQimenCall(valid, { ...SETTINGS, appSecret: 'other' }, NOW)?.code).toBe(25);
  });
});
