import { z } from 'zod';
import { WDT_ERROR_CODES, WdtError } from './errors.ts';

export interface StockoutPage {
  /** Only page 0 carries it ("仅当 page_no = 0 时返回"). */
  readonly totalCount?: number;
  /** Orders exactly as received: unknown fields kept, nothing parsed (packages/mapping owns that). */
  readonly orders: Record<string, unknown>[];
}

/** The only WDT business codes we rely on; every other non-zero code is passed through. */
const WDT_OK = 0;
const WDT_RATE_LIMITED = 1012;

// Numbers arrive as JSON numbers in most samples and as strings in others (reference §3.1).
const codeSchema = z.union([z.number(), z.string()]).nullish();
const countSchema = z.union([z.number(), z.string(), z.null()]).optional();
/**
 * An order must be a JSON object; it is checked, not copied, so it stays the very object that
 * was received (a record schema would rebuild each of 100 orders key by key on every page).
 */
const orderSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'an order must be a JSON object',
);

const bodySchema = z.looseObject({
  errorcode: codeSchema,
  code: codeSchema,
  flag: z.string().nullish(),
  message: z.string().nullish(),
  msg: z.string().nullish(),
  sub_code: z.string().nullish(),
  sub_message: z.string().nullish(),
  sub_msg: z.string().nullish(),
  request_id: z.string().nullish(),
  total_count: countSchema,
  stockout_list: z.array(orderSchema).nullish(),
});

/** Qimen wraps everything in `response`; the plain TOP router uses `error_response`. */
const envelopeSchema = z.union([
  z.object({ response: bodySchema }),
  z.object({ error_response: bodySchema }),
]);

type Body = z.infer<typeof bodySchema>;

const toCode = (value: number | string | null | undefined): number | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : Number.NaN;
};

/**
 * WDT's limit is "1分钟最多60次" (eptison's QimenApiTools, chengc1116's client), a per-minute
 * budget, so the wait is the rest of the current minute; at least a second so a caller never spins.
 */
export function minuteRemainderMs(nowMs: number): number {
  return Math.max(1000, 60_000 - (((nowMs % 60_000) + 60_000) % 60_000));
}

/** TOP's code 7 says how long the ban lasts in `sub_msg`: "This ban will last for 12 more seconds". */
function gatewayBanMs(body: Body): number | undefined {
  const text = [body.sub_message, body.sub_msg, body.message, body.msg].filter(Boolean).join(' ');
  const match = /last for (\d+) more seconds?/i.exec(text);
  return match === null ? undefined : Math.max(1000, Number(match[1]) * 1000);
}

function describe(body: Body, code: number | undefined): string {
  const message = body.message ?? body.msg ?? '';
  const sub = [body.sub_code, body.sub_message ?? body.sub_msg].filter(Boolean).join(': ');
  return `code ${code ?? '?'} ${message}${sub === '' ? '' : ` (${sub})`}`.trim();
}

function contextOf(body: Body, code: number | undefined) {
  return {
    wdtCode: code ?? null,
    requestId: body.request_id ?? null,
    subCode: body.sub_code ?? null,
  };
}

/** Maps a TOP gateway failure (`flag: failure` / `code`) to our codes. */
function gatewayError(body: Body, code: number | undefined, nowMs: number): WdtError {
  const context = contextOf(body, code);
  const what = describe(body, code);
  switch (code) {
    case 7:
      return new WdtError(WDT_ERROR_CODES.RATE_LIMITED, `Qimen gateway rate limit: ${what}`, {
        retryable: true,
        context,
        rateLimit: { retryAfterMs: gatewayBanMs(body) ?? minuteRemainderMs(nowMs), source: 'gateway' },
      });
    case 24:
    case 25:
      return new WdtError(
        WDT_ERROR_CODES.SIGNATURE_INVALID,
        `Qimen refused the signature (${what}): check that the app secret belongs to the app key and that sign_method matches how it was signed`,
        { retryable: false, context },
      );
    case 28:
    case 29:
      return new WdtError(
        WDT_ERROR_CODES.APP_KEY_INVALID,
        `Qimen refused the app key (${what}): check the app key and that the app is authorised for WDT's target_app_key`,
        { retryable: false, context },
      );
    case 30:
    case 31:
      return new WdtError(
        WDT_ERROR_CODES.TIMESTAMP_INVALID,
        `Qimen refused the timestamp (${what}): this host's clock is more than 10 minutes away from Beijing time; sync it (NTP)`,
        { retryable: false, context },
      );
    default:
      // TOP's convention: isp.* sub-codes are the platform's own failures (worth a retry), isv.* the caller's.
      return new WdtError(WDT_ERROR_CODES.API_ERROR, `Qimen gateway error ${what}`, {
        retryable: code === 15 || (body.sub_code ?? '').startsWith('isp.'),
        context,
      });
  }
}

function businessError(body: Body, code: number, nowMs: number): WdtError {
  const context = contextOf(body, code);
  if (code === WDT_RATE_LIMITED)
    return new WdtError(WDT_ERROR_CODES.RATE_LIMITED, `WDT rate limit: ${describe(body, code)}`, {
      retryable: true,
      context,
      rateLimit: { retryAfterMs: minuteRemainderMs(nowMs), source: 'wdt' },
    });
  return new WdtError(WDT_ERROR_CODES.API_ERROR, `WDT error ${describe(body, code)}`, {
    retryable: false,
    context,
  });
}

function badResponse(message: string, cause?: unknown): WdtError {
  return new WdtError(WDT_ERROR_CODES.BAD_RESPONSE, message, {
    // An HTML error page from a proxy during an outage is the usual cause, and it passes.
    retryable: true,
    ...(cause !== undefined && { cause }),
  });
}

function parseTotal(value: number | string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const total = Number(value);
  if (!Number.isInteger(total) || total < 0) throw badResponse(`total_count ${String(value)} is not a count`);
  return total;
}

/**
 * Reads a Qimen response body. Failure is `flag: "failure"` or any non-zero `errorcode`/`code`
 * (whether a success also carries `flag`/`code` is unconfirmed, so neither is required). A body
 * with no `errorcode`, `code` or `flag` at all is not trusted as a success.
 */
export function parseStockoutResponse(text: string, nowMs: number): StockoutPage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badResponse(
      `WDT answered with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
      err,
    );
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw badResponse(`WDT answered with an unexpected envelope: ${parsed.error.message}`);
  const body = 'response' in parsed.data ? parsed.data.response : parsed.data.error_response;
  const errorcode = toCode(body.errorcode);
  const code = toCode(body.code);
  const failed = body.flag === 'failure' || 'error_response' in parsed.data;
  if (Number.isNaN(errorcode) || Number.isNaN(code))
    throw badResponse('WDT answered with a non-numeric code');
  if (errorcode === WDT_RATE_LIMITED || code === WDT_RATE_LIMITED)
    throw businessError(body, WDT_RATE_LIMITED, nowMs);
  if (failed || (code !== undefined && code !== WDT_OK)) throw gatewayError(body, code, nowMs);
  if (errorcode !== undefined && errorcode !== WDT_OK) throw businessError(body, errorcode, nowMs);
  if (errorcode === undefined && code === undefined && body.flag !== 'success')
    throw badResponse('WDT answered without errorcode, code or flag');
  const totalCount = parseTotal(body.total_count);
  const orders = body.stockout_list ?? [];
  return totalCount === undefined ? { orders } : { totalCount, orders };
}
