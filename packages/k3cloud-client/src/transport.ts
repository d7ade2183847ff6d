import { Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got } from 'got';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Transport {
  post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpResponse>;
  close(): void;
}

export interface TransportOptions {
  /** Sockets this client may hold (its keep-alive agent's `maxSockets`). */
  readonly maxSockets: number;
  /** Largest answer read; a longer one is cut off and thrown as `ResponseTooLargeError`. */
  readonly maxResponseBytes: number;
}

/** The answer was longer than `maxResponseBytes`: the server did answer, the body was not read. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`K3 answered more than ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/**
 * POST through got, the workspace's one HTTP client, with one keep-alive agent per client: K3
 * calls are slow and frequent, and a per-client agent bounds the sockets this client holds
 * (`maxSockets`) and lets `close()` release them. Redirects and retries are off: a write is never
 * re-sent here. Decompression is off, as it was over node:http (no `accept-encoding` is sent), so
 * `maxResponseBytes` bounds the bytes on the wire. The whole-call timeout stays the client's own
 * timer (client.ts): its error classification depends on knowing which signal fired.
 */
export function createTransport(options: TransportOptions): Transport {
  const agent = {
    http: new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets }),
  };
  const http: Got = got.extend({
    agent,
    retry: { limit: 0 },
    followRedirect: false,
    throwHttpErrors: false,
    decompress: false,
    responseType: 'text',
  });
  return {
    post: async (url, headers, body, signal) => {
      const tooLarge = new AbortController();
      const request = http.post(url, {
        headers,
        body,
        signal: AbortSignal.any([signal, tooLarge.signal]),
      });
      request.on('downloadProgress', ({ transferred, total }) => {
        if (transferred > options.maxResponseBytes || (total ?? 0) > options.maxResponseBytes)
          tooLarge.abort(new ResponseTooLargeError(options.maxResponseBytes));
      });
      try {
        const response = await request;
        return { status: response.statusCode, headers: response.headers, body: response.body };
      } catch (err) {
        if (tooLarge.signal.aborted && !signal.aborted) throw tooLarge.signal.reason;
        throw err;
      }
    },
    close: () => {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

/** Errors raised before the request could reach the server: re-sending cannot duplicate anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function requestNeverSent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}
