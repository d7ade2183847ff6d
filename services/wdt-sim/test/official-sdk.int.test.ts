import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, DAY_MS, DAY0_MS, type RunningSim, startSim } from './support.ts';

/**
 * Requests byte for byte as the official Qimen SDKs build them, written here from reading
 * `QimenCloudClient.php` (814096703/wang2tplus) and `com.qimencloud.api.DefaultQimenCloudClient`,
 * independently of our client, so a shared mistake cannot hide.
 */

/** PHP `urlencode`: everything but [A-Za-z0-9_.-] escaped, space as `+`. */
const phpUrlencode = (value: string): string =>
  encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
/** Java `URLEncoder.encode(value, "UTF-8")`: like PHP but `*` stays. */
const javaUrlEncode = (value: string): string =>
  encodeURIComponent(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
const join = (params: [string, string][], encode: (v: string) => string): string =>
  params.map(([k, v]) => `${k}=${encode(v)}`).join('&');

/** `date("Y-m-d H:i:s")` on a PHP host whose zone is Asia/Shanghai; Java's GMT+8 formatter alike. */
const shanghaiTime = (ms: number): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(ms);

/** PHP `generateSign`: ksort, `$k$v` for every value not starting with `@`, md5 wrapped in the secret. */
function phpSign(params: Record<string, string>, secret: string): string {
  const joined = Object.keys(params)
    .sort()
    .filter((k) => !(params[k] as string).startsWith('@'))
    .map((k) => k + params[k])
    .join('');
  return createHash('md5')
    .update(secret + joined + secret)
    .digest('hex')
    .toUpperCase();
}

/** Java `TaobaoUtils.signTopRequest` with hmac-sha256: sorted, empty values skipped. */
function javaSignHmacSha256(params: Record<string, string>, secret: string): string {
  const joined = Object.keys(params)
    .sort()
    .filter((k) => k !== '' && params[k] !== '')
    .map((k) => k + params[k])
    .join('');
  return createHmac('sha256', secret).update(joined, 'utf8').digest('hex').toUpperCase();
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: { response: Record<string, unknown> };
}

function send(url: string, body: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text =
            res.headers['content-encoding'] === 'gzip'
              ? gunzipSync(raw).toString('utf8')
              : raw.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(text) as RawAnswer['json'],
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('requests exactly as the official Qimen SDKs send them', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ dataset: { seed: 21, count: 120, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS } });
  });
  afterAll(() => sim.close());

  /** WdtStockoutOrderQueryTradeRequest's business parameters, in setter order. */
  const business = (): [string, string][] => [
    ['sid', CREDENTIALS.sid],
    ['start_time', '2024-01-01 00:00:00'],
    ['end_time', '2024-01-01 23:59:59'],
    ['status', '95'],
    ['page_size', '100'],
    ['page_no', '0'],
  ];

  /** QimenCloudClient.php `execute` with `$c->format = 'json'`: md5, partner_id, system params in the URL. */
  function phpRequest(options: { secret?: string; nowMs?: number; tamper?: boolean } = {}) {
    const api = business();
    const system: [string, string][] = [
      ['app_key', CREDENTIALS.appKey],
      ['v', '2.0'],
      ['format', 'json'],
      ['sign_method', 'md5'],
      ['method', 'hu3cgwt0tc.wdt.stockout.order.query.trade'],
      ['timestamp', shanghaiTime(options.nowMs ?? sim.clock.now())],
      ['target_app_key', '21363512'],
      ['partner_id', 'top-sdk-php-20151012'],
    ];
    const sign = phpSign(Object.fromEntries([...api, ...system]), options.secret ?? CREDENTIALS.appSecret);
    if (options.tamper === true) api[4] = ['page_size', '10'];
    return send(
      `${sim.baseUrl}/router/qm?${join([...system, ['sign', sign]], phpUrlencode)}`,
      join(api, phpUrlencode),
      {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'user-agent': 'top-sdk-php',
        accept: '*/*',
      },
    );
  }

  it('the PHP SDK (md5, partner_id, prefixed method, urlencode) is answered unchanged', async () => {
    const answer = await phpRequest();
    expect(answer.status).toBe(200);
    expect(answer.json.response).toMatchObject({ errorcode: 0, total_count: 120 });
    expect(answer.json.response.stockout_list).toHaveLength(100);
    expect(answer.headers['content-encoding']).toBeUndefined();
  });

  it('the Java SDK (hmac-sha256 default, URLEncoder, gzip) is answered, gzipped', async () => {
    const api = business();
    const must: [string, string][] = [
      ['method', 'wdt.stockout.order.query.trade'],
      ['app_key', CREDENTIALS.appKey],
      ['timestamp', shanghaiTime(sim.clock.now())],
    ];
    const opt: [string, string][] = [
      ['format', 'json'],
      ['sign_method', 'hmac-sha256'],
      ['v', '2.0'],
      ['target_app_key', '21363512'],
    ];
    const sign = javaSignHmacSha256(Object.fromEntries([...api, ...must, ...opt]), CREDENTIALS.appSecret);
    const url = `${sim.baseUrl}/router/qm?${join([...must, ['sign', sign]], javaUrlEncode)}&${join(opt, javaUrlEncode)}`;
    const answer = await send(url, join(api, javaUrlEncode), {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      'accept-encoding': 'gzip',
      accept: 'text/xml,text/javascript',
      'user-agent': 'top-sdk-java',
    });
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.json.response).toMatchObject({ errorcode: 0, total_count: 120 });
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }, 25, 'Invalid signature'],
    ['a timestamp 11 minutes old', { nowMs: Date.UTC(2024, 0, 10, 3, 49, 0) }, 31, 'Invalid timestamp'],
    ['a parameter changed after signing', { tamper: true }, 25, 'Invalid signature'],
  ])('refuses %s in the gateway failure shape, HTTP 200', async (_what, options, code, message) => {
    const answer = await phpRequest(options);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      response: {
        flag: 'failure',
        code,
        message,
        request_id: expect.any(String),
        ...(code === 31 && { sub_message: expect.any(String) }),
      },
    });
  });
});
