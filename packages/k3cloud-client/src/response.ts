import { K3Error } from './errors.ts';
import type { HttpResponse } from './transport.ts';

/** `Result.ResponseStatus` as real servers send it (types vary: the doc template uses strings). */
export interface ResponseStatus {
  readonly IsSuccess?: boolean | string;
  readonly ErrorCode?: number | string;
  readonly MsgCode?: number | string;
  readonly Errors?: ReadonlyArray<{ FieldName?: string | null; Message?: string | null; DIndex?: number }>;
  readonly SuccessEntitys?: ReadonlyArray<{ Id?: number | string; Number?: string | null; DIndex?: number }>;
  readonly SuccessMessages?: ReadonlyArray<{
    FieldName?: string | null;
    Message?: string | null;
    DIndex?: number;
  }>;
}

export type CallKind = 'read' | 'write';

const MSG_CODE_SESSION_LOST = 1;
const MSG_CODE_CALL_LIMIT = 14;
const MAX_MESSAGE_CHARS = 300;

const clip = (text: string): string =>
  text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;

/**
 * Turns an HTTP answer into parsed JSON, throwing for everything that is not a K3 JSON body:
 * gateway refusals (519, or 4xx with an errcode), other non-200/206 statuses (SDKs treat 200 and 206 as success), `response_error:`
 * bodies and unparseable bodies. For writes, any failure after the request reached the server is
 * flagged ambiguous: it may have been applied.
 */
export function parseHttpResponse(res: HttpResponse, service: string, kind: CallKind): unknown {
  const context = { service };
  const afterSend = kind === 'write';
  const gateway = gatewayAnswer(res);
  if (gateway !== undefined) {
    const { errcode, description } = gateway;
    if (errcode !== null && errcode >= 4000 && errcode < 5000) {
      // 4xxx are the gateway's authentication refusals (FXP probe log: 4002 unknown app id, 4006
      // stale timestamp): the same failure a private server reports as MsgCode 1 (reference §2.2).
      return fail(
        'K3_AUTH_FAILED',
        `K3 API gateway refused the credentials (errcode ${errcode}): ${description}`,
        { httpStatus: res.status, context: { ...context, errcode } },
      );
    }
    // 5001 "API not found" (FXP probe log): fix config first.
    const retryable = errcode === null || errcode !== 5001;
    return fail('K3_GATEWAY_ERROR', `K3 API gateway refused the call (errcode ${errcode}): ${description}`, {
      retryable,
      httpStatus: res.status,
      context: { ...context, errcode },
    });
  }
  if (res.status !== 200 && res.status !== 206) {
    if (res.body.includes('Fail to verify thirty passport')) {
      // Observed for a wrong data-centre id on a private server (AZ-EXP §6 R2).
      return fail(
        'K3_AUTH_FAILED',
        'K3 refused the data-centre id (acctId): "Fail to verify thirty passport"',
        {
          httpStatus: res.status,
          context,
        },
      );
    }
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return fail('K3_HTTP_ERROR', `K3 answered HTTP ${res.status}: ${clip(res.body)}`, {
      retryable,
      ambiguous: afterSend && res.status >= 500,
      httpStatus: res.status,
      context,
    });
  }
  if (res.body.startsWith('response_error:')) {
    const detail = res.body.slice('response_error:'.length).trim();
    const parsed = tryParse(detail) as { Message?: unknown } | undefined;
    const message = typeof parsed?.Message === 'string' ? parsed.Message : detail;
    return fail('K3_SERVER_EXCEPTION', `K3 server exception: ${clip(message || 'empty exception message')}`, {
      ambiguous: afterSend,
      httpStatus: res.status,
      context,
    });
  }
  const parsed = tryParse(res.body);
  if (parsed === undefined) {
    return fail('K3_BAD_RESPONSE', `K3 answered a body that is not JSON: ${clip(res.body)}`, {
      ambiguous: afterSend,
      httpStatus: res.status,
      context,
    });
  }
  return parsed;
}

/** The status object of a write envelope `{Result:{ResponseStatus}}` or the query error form `[[{Result}]]`. */
export function responseStatusOf(body: unknown): ResponseStatus | undefined {
  const holder = Array.isArray(body) ? (Array.isArray(body[0]) ? body[0][0] : undefined) : body;
  if (holder === null || typeof holder !== 'object') return undefined;
  const result = (holder as { Result?: unknown }).Result;
  if (result === null || typeof result !== 'object') return undefined;
  const status = (result as { ResponseStatus?: unknown }).ResponseStatus;
  return status !== null && typeof status === 'object' ? (status as ResponseStatus) : undefined;
}

export function isSuccess(status: ResponseStatus): boolean {
  return status.IsSuccess === true || String(status.IsSuccess).toLowerCase() === 'true';
}

export function msgCodeOf(status: ResponseStatus): number | null {
  const code = Number(status.MsgCode);
  return status.MsgCode === undefined || status.MsgCode === '' || !Number.isFinite(code) ? null : code;
}

export function firstMessage(status: ResponseStatus): string {
  const message = status.Errors?.find((error) => typeof error.Message === 'string')?.Message;
  return clip(message ?? 'no message');
}

/** True when a failed status means "no valid session" (MsgCode 1). */
export function isSessionLost(status: ResponseStatus | undefined): boolean {
  return status !== undefined && !isSuccess(status) && msgCodeOf(status) === MSG_CODE_SESSION_LOST;
}

/** MsgCode 14 调用限制 refuses the whole call, whatever the service. */
export function throwIfCallLimited(status: ResponseStatus | undefined, service: string): void {
  if (status === undefined || isSuccess(status) || msgCodeOf(status) !== MSG_CODE_CALL_LIMIT) return;
  throw new K3Error('K3_CALL_LIMIT', `K3 call limit (MsgCode 14): ${firstMessage(status)}`, {
    msgCode: MSG_CODE_CALL_LIMIT,
    context: { service },
  });
}

/**
 * Kingdee's gateway answers with `{"errcode","description"}`: observed with HTTP 519 (FXP probe
 * log), reported with 4xx too (issue 14 item 19), so a 4xx carrying an errcode is read the same way.
 */
function gatewayAnswer(
  res: HttpResponse,
): { readonly errcode: number | null; readonly description: string } | undefined {
  if (res.status !== 519 && (res.status < 400 || res.status >= 500)) return undefined;
  const body = tryParse(res.body) as { errcode?: unknown; description?: unknown } | undefined;
  const errcode = typeof body?.errcode === 'number' ? body.errcode : null;
  if (res.status !== 519 && errcode === null) return undefined;
  const description = typeof body?.description === 'string' ? body.description : clip(res.body);
  return { errcode, description };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function fail(
  code: ConstructorParameters<typeof K3Error>[0],
  message: string,
  options: ConstructorParameters<typeof K3Error>[2],
): never {
  throw new K3Error(code, message, options);
}
