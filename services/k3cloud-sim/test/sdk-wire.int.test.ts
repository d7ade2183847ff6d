import {
  apiStringToSign,
  buildSignatureHeaders,
  decodeClientSecret,
  hmacSha256Base64Hex,
} from '@wdt-k3/k3cloud-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

/**
 * Requests built byte for byte the way Kingdee's official SDKs build them (Python
 * `WebApiClient.BuildHeader`/`PostJson`, Java `ApiRequester.buildHeader`/`HttpRequester.post`),
 * and the four request envelopes of the reference §1.1, sent over a real socket.
 */
const dataset = smallDataset(13);
const FORM = 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService';
const AUTH = 'Kingdee.BOS.WebApi.ServicesStub.AuthService';
const identity = { ...CREDENTIALS, lcid: 2052, orgNum: 0 };
let sim: RunningSim;

const post = async (path: string, headers: Record<string, string>, body: string) => {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text(), cookies: res.headers.getSetCookie() };
};
const pathOf = (service: string) => `/k3cloud/${service}.common.kdsvc`;
const seconds = () => String(Math.floor(Date.now() / 1000));

function pythonHeaders(path: string, cookies: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {
    ...buildSignatureHeaders(identity, { path, timestamp: seconds() }),
    'Accept-Charset': 'utf-8',
    'User-Agent': 'Kingdee/Python WebApi SDK 7.3 (compatible; MSIE 6.0; Windows NT 5.1;SV1)',
    'Content-Type': 'application/json',
  };
  const sid = cookies
    .find((c) => c.startsWith('kdservice-sessionid='))
    ?.split(';')[0]
    ?.split('=')[1];
  if (sid !== undefined) {
    headers['kdservice-sessionid'] = sid;
    // requests joins Set-Cookie lines with ", " and the SDK splits on ",": names keep a leading space.
    headers.Cookie = `Theme=standard;${cookies.map((c, i) => (i > 0 ? ' ' : '') + c.split(';')[0]).join(';')}`;
  }
  return headers;
}

function javaHeaders(path: string, sid?: string): Record<string, string> {
  const ms = String(Date.now());
  const signed = buildSignatureHeaders(identity, { path, timestamp: ms });
  return {
    ...signed,
    'x-api-signheaders': 'X-Api-TimeStamp,X-Api-Nonce',
    'X-Api-Signature': hmacSha256Base64Hex(decodeClientSecret(identity.appId), apiStringToSign(path, ms, ms)),
    'Content-type': 'applicatin/json',
    'User-Agent': 'Kingdee/Java WebApi SDK 7.3 (compatible; MSIE 6.0; Windows NT 5.1;SV1)',
    ...(sid === undefined ? {} : { SID: sid, Cookie: `Theme=standard; kdservice-sessionid=${sid}` }),
  };
}

const envelopeStatus = (text: string) =>
  (JSON.parse(text) as { Result: { ResponseStatus: { IsSuccess: boolean; MsgCode: number } } }).Result
    .ResponseStatus;

beforeAll(async () => {
  sim = await startSim({ datasets: [dataset] });
});
afterEach(() => sim.control('POST', '/_sim/reset', {}));
afterAll(() => sim.close());

describe('official SDK wire formats', () => {
  it('Python SDK: seconds timestamp, named envelope with data as an object, session replayed', async () => {
    const save = pathOf(`${FORM}.BatchSave`);
    const model = outstockFromOrder(dataset.orderAt(0), dataset);
    const first = await post(
      save,
      pythonHeaders(save),
      JSON.stringify({ formid: 'SAL_OUTSTOCK', data: { Model: [model] } }),
    );
    expect(envelopeStatus(first.text)).toMatchObject({ IsSuccess: true, MsgCode: 0 });
    expect(first.cookies.map((c) => c.split('=')[0])).toEqual(['kdservice-sessionid', 'ASP.NET_SessionId']);
    const query = pathOf(`${FORM}.ExecuteBillQuery`);
    const data = { FormId: 'SAL_OUTSTOCK', FieldKeys: 'FBillNo', FilterString: `FBillNo='${model.FBillNo}'` };
    const second = await post(query, pythonHeaders(query, first.cookies), JSON.stringify({ data }));
    expect(JSON.parse(second.text)).toEqual([[model.FBillNo]]);
    expect((await sim.control('GET', '/_sim/stats')).sessionsIssued).toBe(1);
  });

  it('Java SDK: milliseconds, X-Api-TimeStamp,X-Api-Nonce, "applicatin/json", parameters with data as a string', async () => {
    const save = pathOf(`${FORM}.BatchSave`);
    const model = outstockFromOrder(dataset.orderAt(1), dataset);
    const body = JSON.stringify({ parameters: ['SAL_OUTSTOCK', JSON.stringify({ Model: [model] })] });
    const first = await post(save, javaHeaders(save), body);
    expect(envelopeStatus(first.text)).toMatchObject({ IsSuccess: true });
    const sid = first.cookies[0]?.split(';')[0]?.split('=')[1];
    const query = pathOf(`${FORM}.ExecuteBillQuery`);
    const param = JSON.stringify({
      FormId: 'SAL_OUTSTOCK',
      FieldKeys: 'FBillNo',
      FilterString: '',
      StartRow: 0,
      Limit: 0,
      TopRowCount: 0,
    });
    const second = await post(query, javaHeaders(query, sid), JSON.stringify({ parameters: [param] }));
    expect(JSON.parse(second.text)).toEqual([[model.FBillNo]]);
    expect((await sim.control('GET', '/_sim/stats')).sessionsIssued).toBe(1);
  });

  it('a failed query contains the substring the Java SDK looks for', async () => {
    const query = pathOf(`${FORM}.ExecuteBillQuery`);
    const res = await post(
      query,
      { 'Content-type': 'applicatin/json' },
      JSON.stringify({ parameters: ['{"FormId":"SAL_OUTSTOCK","FieldKeys":"FBillNo"}'] }),
    );
    expect(res.text.startsWith('[[')).toBe(true);
    expect(res.text).toContain(',"IsSuccess":false,');
    expect(res.text).toContain('会话信息已丢失，请重新登录');
  });
});

describe('signature verification refuses with the real error shapes', () => {
  const save = pathOf(`${FORM}.BatchSave`);
  const body = JSON.stringify({ formid: 'SAL_OUTSTOCK', data: { Model: [] } });

  it('a signature made for another path: gateway 519', async () => {
    const res = await post(save, pythonHeaders(pathOf(`${FORM}.Save`)), body);
    expect(res.status).toBe(519);
    expect(JSON.parse(res.text)).toMatchObject({ errcode: 4003 });
  });

  it('a tampered timestamp: gateway 519', async () => {
    const res = await post(save, { ...pythonHeaders(save), 'x-api-timestamp': '1700000001' }, body);
    expect(res.status).toBe(519);
  });

  it('a tampered X-Kd-Appdata or a wrong app secret: MsgCode 1', async () => {
    const forged = Buffer.from('66f0a1b2c3d4e5,administrator,2052,0').toString('base64');
    for (const headers of [
      { ...pythonHeaders(save), 'X-Kd-Appdata': forged },
      buildSignatureHeaders(
        { ...identity, appSecret: 'not-the-secret' },
        { path: save, timestamp: seconds() },
      ),
    ]) {
      const res = await post(save, headers, body);
      expect(res.status).toBe(200);
      expect(envelopeStatus(res.text)).toMatchObject({ IsSuccess: false, MsgCode: 1 });
    }
    expect((await sim.control('GET', '/_sim/bills')).count).toBe(0);
  });

  it('accepts the reference worked example verbatim', async () => {
    const reference = await startSim({
      credentials: {
        acctId: '65a1b2c3d4e5f6',
        username: 'apiuser',
        appId: '123456_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
        appSecret: '0123456789abcdef0123456789abcdef',
        password: 'x',
      },
    });
    try {
      const res = await fetch(`${reference.url}${save}`, {
        method: 'POST',
        headers: {
          'X-Api-ClientID': '123456',
          'X-Api-Auth-Version': '2.0',
          'x-api-timestamp': '1700000000',
          'x-api-nonce': '1700000000',
          'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
          'X-Api-Signature':
            'MWJkNDRhM2Q2Y2QyYzUyNDY0N2ZlMGE4MmMyODE3YzA3YjBmZWZmY2RmMTE0OWZkNGFhZjA5ZDI0M2EzNzY5Mg==',
          'X-Kd-Appkey': '123456_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
          'X-Kd-Appdata': 'NjVhMWIyYzNkNGU1ZjYsYXBpdXNlciwyMDUyLDA=',
          'X-Kd-Signature':
            'ZGM1YTk5NjJhNzNlN2U5NTliNGMxZTQwN2MxZmZiNjNkMThlNWIxNTY1MjVkZTdiYmY1NzA4NGIxZGMxYmVlMA==',
        },
        body: JSON.stringify({ formid: 'SAL_OUTSTOCK', data: { Model: [{}] } }),
      });
      expect(res.status).toBe(200);
      // Authenticated: the answer is about the (empty) bill, not the session.
      expect(envelopeStatus(await res.text())).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    } finally {
      await reference.close();
    }
  });
});

describe('the four envelopes, both data forms, case-insensitive service names', () => {
  const { acctId, username, password } = CREDENTIALS;
  const loginArgs = [acctId, username, password, 2052];
  const logins: Record<string, unknown> = {
    'A named (mixed case)': { acctID: acctId, UserName: username, password, lcid: 2052 },
    'B parameters array': { parameters: loginArgs },
    'C legacy ApiClient': {
      format: 1,
      useragent: 'ApiClient',
      rid: '1234567',
      parameters: JSON.stringify(loginArgs),
      timestamp: '2026-01-01 10:00:00',
      v: '1.0',
    },
    'D parameters as a string': { parameters: JSON.stringify(loginArgs) },
  };

  it.each(Object.entries(logins))('ValidateUser with envelope %s', async (_name, body) => {
    const res = await post(
      pathOf(`${AUTH}.ValidateUser`),
      { 'content-type': 'text/plain' },
      JSON.stringify(body),
    );
    expect(JSON.parse(res.text)).toMatchObject({ LoginResultType: 1, IsSuccessByAPI: true });
  });

  it('BatchSave with every envelope and data form, under any casing of the URL', async () => {
    const login = await post(pathOf(`${AUTH}.ValidateUser`), {}, JSON.stringify({ parameters: loginArgs }));
    const cookie = login.cookies.map((c) => c.split(';')[0]).join('; ');
    const shapes = [
      (data: object) => ({ formid: 'SAL_OUTSTOCK', data }),
      (data: object) => ({ FormId: 'SAL_OUTSTOCK', Data: JSON.stringify(data) }),
      (data: object) => ({ parameters: ['SAL_OUTSTOCK', data] }),
      (data: object) => ({ parameters: ['SAL_OUTSTOCK', JSON.stringify(data)] }),
      (data: object) => ({
        format: 1,
        useragent: 'ApiClient',
        rid: '1',
        v: '1.0',
        parameters: JSON.stringify(['SAL_OUTSTOCK', JSON.stringify(data)]),
      }),
      (data: object) => ({ parameters: JSON.stringify(['SAL_OUTSTOCK', data]) }),
    ];
    const urls = [
      pathOf(`${FORM}.BatchSave`),
      pathOf(`${FORM}.batchSave`),
      pathOf(`${FORM}.BatchSave`.toLowerCase()),
      `/K3Cloud/${FORM}.BATCHSAVE.common.kdsvc`,
      pathOf(`${FORM}.BatchSave`),
      pathOf(`${FORM}.batchsave`),
    ];
    for (const [i, shape] of shapes.entries()) {
      const model = outstockFromOrder(dataset.orderAt(10 + i), dataset);
      const res = await post(urls[i] ?? '', { Cookie: cookie }, JSON.stringify(shape({ Model: [model] })));
      expect(envelopeStatus(res.text), `shape ${i}`).toMatchObject({ IsSuccess: true });
    }
    expect((await sim.control('GET', '/_sim/bills')).count).toBe(shapes.length);
  });

  it('answers a body that is not JSON with a response_error: server exception', async () => {
    const res = await post(pathOf(`${FORM}.BatchSave`), {}, '{not json');
    expect(res.status).toBe(200);
    expect(res.text.startsWith('response_error:')).toBe(true);
  });
});
