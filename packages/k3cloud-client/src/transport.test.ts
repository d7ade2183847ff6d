import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createK3CloudClient } from './client.ts';
import type { K3CloudClient } from './types.ts';

const LIMIT_BYTES = 64 * 1024;
const auth = {
  kind: 'signature',
  acctId: 'acct',
  username: 'user',
  appId: '300001_app',
  appSecret: '0123456789abcdef0123456789abcdef',
} as const;

/** A real local server: each path answers in one way, independent of what K3 would say. */
const answers: Record<string, (res: ServerResponse) => void> = {
  // One Content-Length far past the limit: refused before the body is read.
  declared: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT_BYTES * 4) });
    res.end('['.padEnd(LIMIT_BYTES * 4, ' '));
  },
  // Chunked, no length: cut off once the bytes read pass the limit. The server keeps writing.
  chunked: (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = ' '.repeat(16 * 1024);
    const write = (): void => {
      while (!res.destroyed && res.write(chunk)) {
        /* fill the socket */
      }
      if (!res.destroyed) res.once('drain', write);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    write();
  },
  // Just under the limit: read whole.
  fits: (res) => {
    const rows = JSON.stringify([['CK1']]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(rows.padEnd(LIMIT_BYTES - 1, ' '));
  },
};

let server: Server;
let baseUrl: string;
/** What the server answers next, whatever was asked. */
let mode = '';
const clients: K3CloudClient[] = [];

const client = (): K3CloudClient => {
  const created = createK3CloudClient({ baseUrl, auth, maxResponseBytes: LIMIT_BYTES });
  clients.push(created);
  return created;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = answers[mode];
      if (answer === undefined) res.writeHead(404).end();
      else answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/k3cloud/`;
});
afterAll(async () => {
  for (const created of clients) created.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('response size limit (a real local server)', () => {
  it('refuses an answer whose Content-Length is past the limit: K3_BAD_RESPONSE, a read not ambiguous', async () => {
    mode = 'declared';
    await expect(
      client().executeBillQuery({ formId: 'SAL_OUTSTOCK', fieldKeys: ['FBillNo'] }),
    ).rejects.toMatchObject({
      code: 'K3_BAD_RESPONSE',
      retryable: false,
      ambiguous: false,
      context: { service: 'ExecuteBillQuery', limitBytes: LIMIT_BYTES },
    });
  });

  it('cuts off an endless chunked answer: on a write K3 ran it, so the save is ambiguous', async () => {
    mode = 'chunked';
    await expect(client().batchSave('SAL_OUTSTOCK', [{ FBillNo: 'CK1' }])).rejects.toMatchObject({
      code: 'K3_BAD_RESPONSE',
      ambiguous: true,
      context: { service: 'BatchSave', limitBytes: LIMIT_BYTES },
    });
  });

  it('reads an answer just under the limit', async () => {
    mode = 'fits';
    expect(await client().executeBillQuery({ formId: 'SAL_OUTSTOCK', fieldKeys: ['FBillNo'] })).toEqual([
      ['CK1'],
    ]);
  });
});
