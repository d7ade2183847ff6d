import { describe, expect, it } from 'vitest';
import { buildQimenRequest, encodeForm } from './request.ts';
import { signQimen } from './sign.ts';

const NOW = Date.UTC(2024, 0, 1, 4, 0, 0); // 2024-01-01 12:00:00 Beijing

describe('buildQimenRequest', () => {
  it('reproduces the reference example: system parameters in the query, business in the form', () => {
    const request = buildQimenRequest(
      { appKey: '12345678', appSecret: 'testsecret', targetAppKey: '21363512', signMethod: 'md5' },
      'wdt.stockout.order.query.trade',
      {
        sid: 'test2',
        start_time: '2024-01-01 00:00:00',
        end_time: '2024-01-01 23:59:59',
        page_no: '0',
        page_size: '100',
      },
      NOW,
    );
    expect(request.query).toEqual({
      method: 'wdt.stockout.order.query.trade',
      app_key: '12345678',
      target_app_key: '21363512',
      timestamp: '2024-01-01 12:00:00',
      format: 'json',
      v: '2.0',
      sign_method: 'md5',
      sign: '256DB7F32C7C485305D515585C055997',
    });
    expect(Object.keys(request.form).sort()).toEqual([
      'end_time',
      'page_no',
      'page_size',
      'sid',
      'start_time',
    ]);
  });

  it('signs with hmac-sha256 over both halves', () => {
    const request = buildQimenRequest(
      { appKey: 'k', appSecret: 's', targetAppKey: '21363512', signMethod: 'hmac-sha256' },
      'wdt.stockout.order.query.trade',
      { sid: 'x', stockout_no: 'CK 1&2' },
      NOW,
    );
    const { sign, ...rest } = request.query;
    expect(sign).toBe(signQimen({ ...rest, ...request.form }, 's', 'hmac-sha256'));
    expect(sign).toHaveLength(64);
  });
});

describe('encodeForm', () => {
  it('escapes what the form syntax uses (the cuifan53/wdt-sdk encodeURI bug) and UTF-8', () => {
    expect(encodeForm({ a: 'x&y=z+1', b: '2024-01-01 00:00:00', c: '天猫' })).toBe(
      'a=x%26y%3Dz%2B1&b=2024-01-01+00%3A00%3A00&c=%E5%A4%A9%E7%8C%AB',
    );
  });
});
