import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@wdt-k3/runtime';
import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { wdtOrder } from '../test/orders.ts';
import { ADMIN_ERROR_CODES } from './errors.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request over a real socket with the path sent exactly as written (no client normalisation). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written on a raw socket, and everything the server answers until it closes. */
function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/** The project's one error body with a catalogued code, or the test fails saying what came. */
function errorCode(answer: Answer | string): string {
  const body = typeof answer === 'string' ? answer.slice(answer.indexOf('\r\n\r\n') + 4) : answer.body;
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(typeof parsed.error?.message).toBe('string');
  const code = String(parsed.error?.code);
  expect(ADMIN_ERROR_CODES).toContain(code);
  return code;
}

describe('the admin API at its edges, over a real socket', () => {
  const redis = useRedisServer();
  const logLines: string[] = [];
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    h = await startHarness(redis().url, {
      logger: createLogger({ level: 'info', service: 'admin-test' }, sink),
    });
    await h.addDeadLetter(1);
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => h.close());

  it('keeps a read-only token out of the writable board however its path is spelt', async () => {
    const spellings = [
      '/ui/full/api/queues',
      '/ui/%66ull/api/queues',
      '/ui/%66%75%6c%6c/api/queues',
      '/ui/%46ULL/api/queues',
      '/ui/FULL/api/queues',
      '/ui//full/api/queues',
      '/ui/./full/api/queues',
      '/ui/read/../full/api/queues',
      '/ui/read/%2e%2e/full/api/queues',
      '/%75i/full/api/queues',
      '/ui/%66ull/',
    ];
    for (const path of spellings) {
      const answer = await send(port, 'GET', path, basic(READ));
      // Refused, or no such route: never the board's data.
      expect([403, 404], `${path} → ${answer.status} ${answer.body.slice(0, 80)}`).toContain(answer.status);
      expect(answer.body).not.toContain('"queues"');
      errorCode(answer);
    }
    // The full token still reaches it, and the read board still serves the read token.
    expect((await send(port, 'GET', '/ui/%66ull/api/queues', basic(FULL))).status).toBe(200);
    expect((await send(port, 'GET', '/ui/read/api/queues', basic(READ))).status).toBe(200);
  });

  it('opens only real health routes without a token', async () => {
    expect((await send(port, 'GET', '/health/live')).status).toBe(200);
    for (const path of ['/health/../failed', '/health/%2e%2e/failed', '/health/nothing']) {
      const answer = await send(port, 'GET', path);
      expect(answer.status, path).toBe(401);
      expect(errorCode(answer)).toBe('ADMIN_UNAUTHORIZED');
    }
  });

  it('answers every refusal of the router and the HTTP parser in the one error body', async () => {
    const longId = await send(port, 'GET', `/failed/${'x'.repeat(1_000)}`, bearer(READ));
    expect([longId.status, errorCode(longId)]).toEqual([414, 'ADMIN_URI_TOO_LONG']);
    const badEscape = await send(port, 'GET', '/failed/%E0%A4%A', bearer(READ));
    expect([badEscape.status, errorCode(badEscape)]).toEqual([400, 'ADMIN_BAD_REQUEST']);
    const headers = await sendRaw(
      port,
      `GET /failed HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(headers).toMatch(/^HTTP\/1\.1 431 /);
    expect(errorCode(headers)).toBe('ADMIN_HEADERS_TOO_LARGE');
    const garbage = await sendRaw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorCode(garbage)).toBe('ADMIN_BAD_REQUEST');
  });

  it('asks for JSON (415) when a body comes as text', async () => {
    const answer = await send(
      port,
      'POST',
      '/failed/so-1/replay',
      { ...bearer(FULL), 'content-type': 'text/plain' },
      '{"force":true}',
    );
    expect([answer.status, errorCode(answer)]).toEqual([415, 'ADMIN_UNSUPPORTED_MEDIA_TYPE']);
  });

  it('takes only digits as a number in a query string', async () => {
    for (const limit of ['0x10', '%205', '1e1', '5.0', '-1', '']) {
      const answer = await send(port, 'GET', `/failed?limit=${limit}`, bearer(READ));
      expect([answer.status, errorCode(answer)], limit).toEqual([400, 'ADMIN_BAD_REQUEST']);
    }
    expect((await send(port, 'GET', '/failed?limit=5', bearer(READ))).status).toBe(200);
  });

  it('refuses an edited order nested 50,000 levels deep with 413, and replays nothing', async () => {
    let deep = '{}';
    for (let level = 0; level < 50_000; level++) deep = `{"a":${deep}}`;
    const order = JSON.stringify(wdtOrder(1));
    const body = `{"order":${order.slice(0, -1)},"note":${deep}}}`;
    const answer = await send(
      port,
      'POST',
      '/failed/so-1/replay',
      { ...bearer(FULL), 'content-type': 'application/json' },
      body,
    );
    expect([answer.status, errorCode(answer)]).toEqual([413, 'ADMIN_PAYLOAD_TOO_LARGE']);
    expect(await h.queues.failed.getJob('so-1')).toBeDefined();
    // 32 levels of an unknown field is within bounds: the replay proceeds.
    let fine = '{}';
    for (let level = 0; level < 28; level++) fine = `{"a":${fine}}`;
    const ok = await send(
      port,
      'POST',
      '/failed/so-1/replay',
      { ...bearer(FULL), 'content-type': 'application/json' },
      `{"order":${order.slice(0, -1)},"note":${fine}}}`,
    );
    expect(ok.status, ok.body).toBe(200);
  });

  it('never writes a token sent in the query string into its request log', async () => {
    const answer = await send(port, 'GET', `/failed?token=${READ.token}&access_token=${FULL.token}&limit=5`);
    expect([answer.status, errorCode(answer)]).toEqual([401, 'ADMIN_UNAUTHORIZED']);
    const logged = logLines.join('\n');
    expect(logged).toContain('token=[redacted]');
    expect(logged).toContain('access_token=[redacted]');
    expect(logged).toContain('limit=5');
    expect(logged).not.toContain(READ.token);
    expect(logged).not.toContain(FULL.token);
  });
});
