/** What a service handler answers; the HTTP layer serialises it. */
export interface SimReply {
  readonly status: number;
  /** Serialised as JSON, unless it is a string (sent as-is, e.g. `response_error:` bodies). */
  readonly body: unknown;
  readonly setCookie?: readonly string[];
}

export function ok(body: unknown, setCookie?: readonly string[]): SimReply {
  return setCookie === undefined ? { status: 200, body } : { status: 200, body, setCookie };
}
