/**
 * Response bodies in the shapes real servers send (reference §5): `IsSuccess` a JSON boolean,
 * `MsgCode` a number, `ErrorCode` 500 on failure and absent on success. Key order matters to
 * one client: the Java SDK detects a failed query by the substring `,"IsSuccess":false,`.
 */
export interface K3ErrorItem {
  readonly FieldName: string | null;
  readonly Message: string;
  readonly DIndex: number;
}
export interface K3SuccessEntity {
  readonly Id: number;
  readonly Number: string;
  readonly DIndex: number;
}

export const MSG = {
  sessionLost: '会话信息已丢失，请重新登录',
  callLimit: '调用频率超出限制，请稍后再试',
} as const;

export interface ResponseStatusBody {
  readonly ErrorCode?: number;
  readonly IsSuccess: boolean;
  readonly Errors: readonly K3ErrorItem[];
  readonly SuccessEntitys: readonly K3SuccessEntity[];
  readonly SuccessMessages: readonly K3ErrorItem[];
  readonly MsgCode: number;
}

export function responseStatus(
  errors: readonly K3ErrorItem[],
  successes: readonly K3SuccessEntity[],
  failureMsgCode: number,
): ResponseStatusBody {
  if (errors.length === 0) {
    return { IsSuccess: true, Errors: [], SuccessEntitys: successes, SuccessMessages: [], MsgCode: 0 };
  }
  return {
    ErrorCode: 500,
    IsSuccess: false,
    Errors: errors,
    SuccessEntitys: successes,
    SuccessMessages: [],
    MsgCode: failureMsgCode,
  };
}

/** A whole-call failure (`{"Result":{"ResponseStatus":…}}`) with one message. */
export function failureEnvelope(
  msgCode: number,
  message: string,
): { Result: { ResponseStatus: ResponseStatusBody } } {
  return {
    Result: {
      ResponseStatus: responseStatus([{ FieldName: null, Message: message, DIndex: 0 }], [], msgCode),
    },
  };
}

/** ExecuteBillQuery wraps the same failure as `[[{"Result":…}]]`. */
export function queryFailure(msgCode: number, message: string): unknown[][] {
  return [[failureEnvelope(msgCode, message)]];
}

/** The `response_error:` form the SDKs treat as a server exception (Java parses the JSON after it). */
export function responseErrorBody(message: string): string {
  return `response_error:${JSON.stringify({ Message: message, InnerExWrapper: null, InnerException: null })}`;
}
