import { formatBeijingTime } from '@wdt-k3/runtime';
import { type SignMethod, signQimen } from './sign.ts';

/** WDT's Qimen AppKey, the same in every independent integration seen (reference §1.2). */
export const WDT_TARGET_APP_KEY = '21363512';
export const STOCKOUT_QUERY_METHOD = 'wdt.stockout.order.query.trade';

export interface QimenCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly targetAppKey: string;
  readonly signMethod: SignMethod;
}

export interface QimenRequest {
  /** System parameters, sent in the URL query string (sign included). */
  readonly query: Readonly<Record<string, string>>;
  /** Business parameters, sent as an `application/x-www-form-urlencoded` body. */
  readonly form: Readonly<Record<string, string>>;
}

/**
 * Builds a Qimen call as the official SDKs do (`DefaultQimenCloudClient`, `QimenCloudClient.php`):
 * system parameters in the query string, business parameters in the form body, one signature over
 * both. `sid` is a business parameter there (the generated request class carries it), so it goes
 * in the body.
 */
export function buildQimenRequest(
  credentials: QimenCredentials,
  method: string,
  business: Readonly<Record<string, string>>,
  nowMs: number,
): QimenRequest {
  const system: Record<string, string> = {
    method,
    app_key: credentials.appKey,
    target_app_key: credentials.targetAppKey,
    timestamp: formatBeijingTime(nowMs),
    format: 'json',
    v: '2.0',
    sign_method: credentials.signMethod,
  };
  const sign = signQimen({ ...business, ...system }, credentials.appSecret, credentials.signMethod);
  return { query: { ...system, sign }, form: { ...business } };
}

/** `URLSearchParams` encoding (space → `+`), what Java's URLEncoder and PHP's urlencode emit. */
export function encodeForm(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(params)).toString();
}
