import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Transport {
  post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpResponse>;
  close(): void;
}

/**
 * POST over node:http with one keep-alive agent per client: K3 calls are slow and frequent, and a
 * per-client agent bounds the sockets this client holds (`maxSockets`) and lets `close()` release
 * them. Redirects and retries are deliberately absent: a write is never re-sent here.
 */
export function createTransport(baseUrl: URL, maxSockets: number): Transport {
  const secure = baseUrl.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets })
    : new HttpAgent({ keepAlive: true, maxSockets });
  const send = secure ? httpsRequest : httpRequest;
  return {
    post: (url, headers, body, signal) =>
      new Promise<HttpResponse>((resolve, reject) => {
        const payload = Buffer.from(body, 'utf8');
        const req = send(
          url,
          {
            method: 'POST',
            agent,
            signal,
            headers: { ...headers, 'Content-Length': String(payload.length) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

/** Errors raised before the request could reach the server: re-sending cannot duplicate anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function requestNeverSent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}
