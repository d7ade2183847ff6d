import { buildSignatureHeaders } from '@wdt-k3/k3cloud-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

/**
 * The DynamicFormService calls beyond Save/BatchSave/ExecuteBillQuery (issue 14 item 18), over a
 * real socket: async BatchSaveQuery refused, BillQuery, Draft and ExcuteOperation served.
 */
const dataset = smallDataset(19);
const FORM = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService';
const LOGIN = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc';
let sim: RunningSim;
let cookie = '';

const call = async (method: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${sim.url}${FORM}.${method}.common.kdsvc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', cookie, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
};
const status = (json: unknown) =>
  (json as { Result: { ResponseStatus: Record<string, unknown> } }).Result.ResponseStatus;
const bill = (index: number) => outstockFromOrder(dataset.orderAt(index), dataset);
const query = async (billNo: string) =>
  (
    await call('ExecuteBillQuery', {
      data: {
        FormId: 'SAL_OUTSTOCK',
        FieldKeys: 'FBillNo,FDocumentStatus',
        FilterString: `FBillNo='${billNo}'`,
      },
    })
  ).json;
const stats = async () => (await sim.control('GET', '/_sim/stats')) as Record<string, number>;

beforeAll(async () => {
  sim = await startSim({ datasets: [dataset] });
});
afterEach(() => sim.control('POST', '/_sim/reset', {}));
afterAll(() => sim.close());

async function login() {
  const { acctId, username, password } = CREDENTIALS;
  const res = await fetch(`${sim.url}${LOGIN}`, {
    method: 'POST',
    body: JSON.stringify({ parameters: [acctId, username, password, 2052] }),
  });
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('async BatchSaveQuery (beginmethod/querymethod) is refused and saves nothing', () => {
  it.each([
    [
      'Python SDK: in the body',
      (model: unknown) => ({
        body: {
          formid: 'SAL_OUTSTOCK',
          data: { Model: [model] },
          beginmethod: 'BeginQueryImpl',
          querymethod: 'QueryAsyncResult',
        },
        headers: {},
      }),
    ],
    [
      'Java SDK: in the body and as headers, parameters envelope',
      (model: unknown) => ({
        body: {
          parameters: ['SAL_OUTSTOCK', JSON.stringify({ Model: [model] })],
          beginmethod: 'BeginQueryImpl',
          querymethod: 'QueryAsyncResult',
        },
        headers: { beginmethod: 'BeginQueryImpl', querymethod: 'QueryAsyncResult' },
      }),
    ],
  ])('%s', async (_name, request) => {
    await login();
    const model = bill(0);
    const { body, headers } = request(model);
    const res = await call('BatchSave', body, headers);
    expect(res.status).toBe(200);
    expect(status(res.json)).toMatchObject({
      IsSuccess: false,
      ErrorCode: 500,
      MsgCode: 4,
      SuccessEntitys: [],
      Errors: [{ FieldName: null, Message: expect.stringContaining('不支持异步调用'), DIndex: 0 }],
    });
    expect((await sim.control('GET', '/_sim/bills')).count).toBe(0);
    expect(await query(model.FBillNo)).toEqual([]);
    expect((await stats()).asyncRefusals).toBe(1);
  });

  it('a signed async call still gets its new session cookie with the refusal', async () => {
    const path = `${FORM}.BatchSave.common.kdsvc`;
    const res = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: buildSignatureHeaders(
        { ...CREDENTIALS, lcid: 1033, orgNum: 0 },
        { path, timestamp: String(Math.floor(Date.now() / 1000)) },
      ),
      body: JSON.stringify({
        formid: 'SAL_OUTSTOCK',
        data: { Model: [bill(5)] },
        beginmethod: 'BeginQueryImpl',
      }),
    });
    expect(status(await res.json())).toMatchObject({
      MsgCode: 4,
      Errors: [
        expect.objectContaining({
          Message: expect.stringContaining('does not support the asynchronous variant'),
        }),
      ],
    });
    expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual([
      'kdservice-sessionid',
      'ASP.NET_SessionId',
    ]);
    expect((await sim.control('GET', '/_sim/bills')).count).toBe(0);
  });

  it('the synchronous call with the same package still saves', async () => {
    await login();
    const res = await call('BatchSave', { formid: 'SAL_OUTSTOCK', data: { Model: [bill(0)] } });
    expect(status(res.json)).toMatchObject({ IsSuccess: true });
  });
});

describe('BillQuery answers objects keyed by the FieldKeys as sent', () => {
  it('rows as objects, errors in the [[…]] form', async () => {
    await login();
    const model = bill(1);
    await call('BatchSave', { formid: 'SAL_OUTSTOCK', data: { Model: [model] } });
    const { json } = await call('BillQuery', {
      data: {
        FormId: 'SAL_OUTSTOCK',
        FieldKeys: 'FID,FBillNo,fdocumentstatus,FEntity_FSeq',
        FilterString: `FBillNo='${model.FBillNo}'`,
      },
    });
    expect(json).toEqual(
      model.FEntity.map((_row, i) => ({
        FID: expect.any(Number),
        FBillNo: model.FBillNo,
        fdocumentstatus: 'A',
        FEntity_FSeq: i + 1,
      })),
    );
    const failed = await call('BillQuery', {
      parameters: [{ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FNoSuchField' }],
    });
    expect(failed.json).toEqual([
      [{ Result: { ResponseStatus: expect.objectContaining({ IsSuccess: false, MsgCode: 9 }) } }],
    ]);
  });
});

describe('Draft saves one package as a draft (status Z)', () => {
  it('without the field checks, answering like Save; a used number is still refused', async () => {
    await login();
    const incomplete = { ...bill(2), FCustomerID: { FNumber: 'NO-SUCH-CUSTOMER' } };
    const { json } = await call('Draft', { formid: 'SAL_OUTSTOCK', data: { Model: incomplete } });
    expect(json).toMatchObject({
      Result: {
        ResponseStatus: { IsSuccess: true, SuccessEntitys: [{ Number: incomplete.FBillNo, DIndex: 0 }] },
        Id: expect.any(Number),
        Number: incomplete.FBillNo,
      },
    });
    expect(await query(incomplete.FBillNo)).toEqual([[incomplete.FBillNo, 'Z']]);
    const again = await call('Draft', {
      parameters: ['SAL_OUTSTOCK', JSON.stringify({ Model: incomplete })],
    });
    expect(status(again.json)).toMatchObject({
      IsSuccess: false,
      MsgCode: 11,
      Errors: [expect.objectContaining({ FieldName: 'FBillNo' })],
    });
  });
});

describe('ExcuteOperation runs Submit, Audit, UnAudit and Delete by opNumber', () => {
  it('walks a bill Z → B → C → A → deleted, named and positional', async () => {
    await login();
    const model = bill(3);
    await call('Draft', { formid: 'SAL_OUTSTOCK', data: { Model: model } });
    const numbers = { Numbers: [model.FBillNo] };
    const steps = [
      ['Submit', 'B'],
      ['audit', 'C'],
      ['UnAudit', 'A'],
    ] as const;
    for (const [opNumber, expected] of steps) {
      const res = await call('ExcuteOperation', { formid: 'SAL_OUTSTOCK', opNumber, data: numbers });
      expect(status(res.json)).toMatchObject({
        IsSuccess: true,
        SuccessEntitys: [expect.objectContaining({ Number: model.FBillNo })],
      });
      expect(await query(model.FBillNo)).toEqual([[model.FBillNo, expected]]);
    }
    const deleted = await call('ExcuteOperation', {
      parameters: ['SAL_OUTSTOCK', 'Delete', JSON.stringify(numbers)],
    });
    expect(status(deleted.json)).toMatchObject({ IsSuccess: true });
    expect(await query(model.FBillNo)).toEqual([]);
  });

  it('refuses an operation it does not simulate (MsgCode 4) and a missing opNumber (MsgCode 3)', async () => {
    await login();
    const model = bill(4);
    await call('BatchSave', { formid: 'SAL_OUTSTOCK', data: { Model: [model] } });
    const data = { Numbers: [model.FBillNo] };
    const forbid = await call('ExcuteOperation', { formid: 'SAL_OUTSTOCK', opNumber: 'Forbid', data });
    expect(status(forbid.json)).toMatchObject({
      IsSuccess: false,
      MsgCode: 4,
      Errors: [expect.objectContaining({ Message: expect.stringContaining('Forbid') })],
    });
    const empty = await call('ExcuteOperation', { formid: 'SAL_OUTSTOCK', data });
    expect(status(empty.json)).toMatchObject({ IsSuccess: false, MsgCode: 3 });
    expect(await query(model.FBillNo)).toEqual([[model.FBillNo, 'A']]);
  });
});

it('a service it does not serve still answers 404 (Push, QueryAsyncResult)', async () => {
  await login();
  for (const method of ['Push', 'QueryAsyncResult']) {
    expect((await call(method, { formid: 'SAL_OUTSTOCK', data: {} })).status).toBe(404);
  }
});
