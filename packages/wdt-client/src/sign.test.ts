import { describe, expect, it } from 'vitest';
import { qimenStringToSign, type SignMethod, signQimen } from './sign.ts';

/** The worked example of the protocol reference (§1.2), verified there against the PHP SDK. */
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

describe('signQimen', () => {
  it.each<[SignMethod, string]>([
    ['md5', '256DB7F32C7C485305D515585C055997'],
    ['hmac', '5F5944C3C6417A7CE3C42C2D3D58877C'],
    ['hmac-sha256', 'AD687FF54D0D7DEE4345EE81A5E3F673B1B0708840AFA63A9B5CEFB149F42801'],
  ])('reproduces the reference vector for %s', (method, expected) => {
    expect(signQimen({ ...EXAMPLE, sign_method: method }, 'testsecret', method)).toBe(expected);
  });

  it('builds the documented string: sorted name+value pairs, raw values, sign excluded', () => {
    expect(qimenStringToSign({ ...EXAMPLE, sign_method: 'md5', sign: 'IGNORED' })).toBe(
      'app_key12345678end_time2024-01-01 23:59:59formatjsonmethodwdt.stockout.order.query.tradepage_no0page_size100sidtest2sign_methodmd5start_time2024-01-01 00:00:00target_app_key21363512timestamp2024-01-01 12:00:00v2.0',
    );
  });

  it('ignores insertion order and skips empty values', () => {
    const shuffled = Object.fromEntries(Object.entries({ ...EXAMPLE, sign_method: 'md5' }).reverse());
    expect(signQimen({ ...shuffled, shop_no: '' }, 'testsecret', 'md5')).toBe(
      '256DB7F32C7C485305D515585C055997',
    );
  });

  it('signs UTF-8 values and changes with any parameter or the secret', () => {
    const params = { ...EXAMPLE, sign_method: 'md5', shop_no: '天猫店' };
    const sign = signQimen(params, 'testsecret', 'md5');
    expect(sign).toMatch(/^[0-9A-F]{32}$/);
    expect(signQimen({ ...params, shop_no: '天猫店2' }, 'testsecret', 'md5')).not.toBe(sign);
    expect(signQimen(params, 'testsecreT', 'md5')).not.toBe(sign);
  });
});
