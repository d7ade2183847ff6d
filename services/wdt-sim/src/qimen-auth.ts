import { createHash, createHmac } from 'node:crypto';
import { GATEWAY_CODES, type GatewayFailure } from './responses.ts';

export interface GatewaySettings {
  readonly appKey: string;
  readonly appSecret: string;
  readonly targetAppKey: string;
  /** TOP refuses timestamps more than 10 minutes away from its clock. */
  readonly timestampToleranceMs: number;
}

/** The two method names a caller may use: auto-generated SDK classes prefix the Qimen host id. */
export const STOCKOUT_METHODS: ReadonlySet<string> = new Set([
  'wdt.stockout.order.query.trade',
  'hu3cgwt0tc.wdt.stockout.order.query.trade',
]);

const BEIJING_OFFSET_MS = 8 * 3_600_000;

function beijingMs(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return undefined;
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) -
    BEIJING_OFFSET_MS
  );
}

/**
 * The strings a caller may have signed. The Java SDK (`TaobaoUtils.signTopRequest`) skips a
 * parameter whose value is empty; the PHP SDK (`generateSign`) signs its name alone and skips
 * values starting with `@` (file uploads). Which one TOP itself does is unknown, so both pass.
 */
function stringsToSign(params: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && name !== '')
    .sort();
  let java = '';
  let php = '';
  for (const name of names) {
    const value = params[name] as string;
    if (value !== '') java += name + value;
    if (!value.startsWith('@')) php += name + value;
  }
  return java === php ? [java] : [java, php];
}

function digest(data: string, secret: string, method: string): string | undefined {
  switch (method) {
    case 'md5':
      return createHash('md5').update(`${secret}${data}${secret}`, 'utf8').digest('hex').toUpperCase();
    case 'hmac':
      return createHmac('md5', secret).update(data, 'utf8').digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(data, 'utf8').digest('hex').toUpperCase();
    default:
      return undefined;
  }
}

/** Whether `params.sign` is a valid TOP signature of `params` (exact uppercase hex, as TOP emits). */
export function verifyQimenSignature(params: Readonly<Record<string, string>>, secret: string): boolean {
  const method = params.sign_method ?? 'md5';
  return stringsToSign(params).some((data) => digest(data, secret, method) === params.sign);
}

const refuse = (code: number, message: string, subMessage?: string): GatewayFailure =>
  subMessage === undefined ? { code, message } : { code, message, subMessage };

/** The gateway's checks, in the order a refusal is reported; `undefined` when the call may pass. */
export function checkQimenCall(
  params: Readonly<Record<string, string>>,
  settings: GatewaySettings,
  nowMs: number,
): GatewayFailure | undefined {
  const { method, app_key: appKey, timestamp, v, format, sign } = params;
  if (method === undefined || method === '') return refuse(GATEWAY_CODES.MISSING_METHOD, 'Missing method');
  if (appKey === undefined || appKey === '') return refuse(GATEWAY_CODES.MISSING_APP_KEY, 'Missing app key');
  if (appKey !== settings.appKey) return refuse(GATEWAY_CODES.INVALID_APP_KEY, 'Invalid app Key');
  if (timestamp === undefined || timestamp === '')
    return refuse(GATEWAY_CODES.MISSING_TIMESTAMP, 'Missing timestamp');
  const sentMs = beijingMs(timestamp);
  if (sentMs === undefined || Math.abs(sentMs - nowMs) > settings.timestampToleranceMs)
    return refuse(
      GATEWAY_CODES.INVALID_TIMESTAMP,
      'Invalid timestamp',
      'timestamp is more than 10 minutes off',
    );
  if (v === undefined || v === '') return refuse(GATEWAY_CODES.MISSING_VERSION, 'Missing version');
  if (v !== '2.0') return refuse(GATEWAY_CODES.UNSUPPORTED_VERSION, 'Unsupported version');
  if (format !== undefined && format !== '' && format !== 'json')
    return refuse(GATEWAY_CODES.INVALID_FORMAT, 'Invalid format', 'this simulator answers format=json only');
  if (sign === undefined || sign === '') return refuse(GATEWAY_CODES.MISSING_SIGNATURE, 'Missing signature');
  if (!verifyQimenSignature(params, settings.appSecret))
    return refuse(GATEWAY_CODES.INVALID_SIGNATURE, 'Invalid signature');
  return checkRouting(params, settings);
}

function checkRouting(
  params: Readonly<Record<string, string>>,
  settings: GatewaySettings,
): GatewayFailure | undefined {
  const target = params.target_app_key;
  if (target === undefined || target === '')
    return { code: GATEWAY_CODES.MISSING_ARGUMENTS, message: 'Missing required arguments:target_app_key' };
  if (target !== settings.targetAppKey)
    return {
      code: GATEWAY_CODES.INVALID_ARGUMENTS,
      message: 'Invalid arguments:target_app_key',
      subCode: 'isv.invalid-parameter',
    };
  if (!STOCKOUT_METHODS.has(params.method as string))
    return { code: GATEWAY_CODES.INVALID_METHOD, message: 'Invalid method' };
  return undefined;
}
