import { z } from 'zod';
import { type CliConfig, displayUrl } from './config.ts';
import { ApiError, CliError } from './errors.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface AdminRequest {
  readonly method: HttpMethod;
  /** Starts with `/`; path parameters go through `pathOf`. */
  readonly path: string;
  /** Entries left undefined are not sent. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** Statuses that are answers rather than errors (`/health/ready` answers 503 when not ready). */
  readonly answerStatuses?: readonly number[];
}

export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface AdminClient {
  /** The base URL as shown to people. */
  readonly url: string;
  request(request: AdminRequest): Promise<AdminAnswer>;
}

/** `pathOf('failed', id, 'replay')` → `/failed/<id encoded>/replay`. */
export function pathOf(...segments: readonly string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

function unreachableHints(url: string): string[] {
  return [
    `The admin API URL is ${url}: set it with --url or WDT_K3_ADMIN_URL.`,
    'The token comes from --token or WDT_K3_ADMIN_TOKEN.',
  ];
}

/** Why fetch failed, from undici's `cause` (ECONNREFUSED, ENOTFOUND, …); never a header value. */
function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timeout';
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function buildUrl(base: URL, request: AdminRequest): URL {
  // Keeps a path prefix of the base (an admin behind a proxy at https://ops.example.com/wdt-k3).
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${request.path}`;
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

function readBody(text: string, status: number, url: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError('CLI_BAD_RESPONSE', `${url} answered HTTP ${status} with a body that is not JSON`, [
      'Is --url (WDT_K3_ADMIN_URL) the admin API, not another service or a proxy page?',
    ]);
  }
}

export function createAdminClient(config: CliConfig, verbose: ((line: string) => void) | null): AdminClient {
  const shownBase = displayUrl(config.baseUrl);
  const headers = (hasBody: boolean): Record<string, string> => ({
    accept: 'application/json',
    ...(config.token === null ? {} : { authorization: `Bearer ${config.token}` }),
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
  });

  const send = async (request: AdminRequest, url: URL): Promise<Response> => {
    const hasBody = request.body !== undefined;
    try {
      return await fetch(url, {
        method: request.method,
        headers: headers(hasBody),
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (err) {
      const reason = networkReason(err);
      const what =
        reason === 'timeout'
          ? `no answer from the admin API at ${shownBase} within ${config.timeoutMs} ms`
          : `cannot reach the admin API at ${shownBase} (${reason})`;
      throw new CliError('CLI_UNREACHABLE', what, unreachableHints(shownBase));
    }
  };

  return {
    url: shownBase,
    request: async (request) => {
      const url = buildUrl(config.baseUrl, request);
      const startedAt = performance.now();
      verbose?.(`→ ${request.method} ${url.href}`);
      const response = await send(request, url);
      const text = await response.text();
      verbose?.(`← ${response.status} in ${Math.round(performance.now() - startedAt)} ms`);
      const body = readBody(text, response.status, url.href);
      if (response.ok || request.answerStatuses?.includes(response.status) === true) {
        return { status: response.status, body };
      }
      const parsed = errorBodySchema.safeParse(body);
      if (!parsed.success) {
        throw new CliError(
          'CLI_BAD_RESPONSE',
          `${url.href} answered HTTP ${response.status} without the admin's error body`,
        );
      }
      const { code, message, details } = parsed.data.error;
      throw new ApiError(response.status, code, message, details, body);
    },
  };
}
