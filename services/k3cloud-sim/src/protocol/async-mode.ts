import { headerText } from '../auth/sessions.ts';
import { findKey } from './envelope.ts';
import { failureEnvelope } from './responses.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The SDKs' async variant (`BatchSaveQuery`) adds `beginmethod`/`querymethod` to the body (Python)
 * or to the body and the headers (Java), reference §1.1.
 */
export function asyncModeRequested(body: Record<string, unknown>, headers: Headers): boolean {
  return ['beginmethod', 'querymethod'].some(
    (name) => findKey(body, name) !== undefined || headerText(headers[name]) !== '',
  );
}

/**
 * The refusal of the async variant, in K3's write envelope, before anything is saved. The
 * reference knows the async protocol only from SDK code (§1.1): the begin answer's `Result`, the
 * task lifetime and the poll's failure forms were never seen from a server, so it is not
 * simulated — a strict simulator refuses rather than invent it. MsgCode 4 and the text are this
 * simulator's, like its other "not supported" answers.
 */
export function asyncModeRefusal(lcid: number): unknown {
  const message =
    lcid === 1033
      ? 'k3cloud-sim does not support the asynchronous variant (beginmethod/querymethod, SDK BatchSaveQuery); nothing was saved. Call the synchronous service (BatchSave).'
      : 'k3cloud-sim 不支持异步调用（beginmethod/querymethod，SDK 的 BatchSaveQuery），未保存任何数据；请调用同步接口（BatchSave）。';
  return failureEnvelope(4, message);
}
