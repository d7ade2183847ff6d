/**
 * A JSON caller for a simulator's control API (`/_sim/*`) over real HTTP: sends the body as JSON,
 * throws on a non-2xx answer with its status and text, returns the parsed answer.
 */
export type JsonControl = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

export function jsonControl(baseUrl: string): JsonControl {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
}
