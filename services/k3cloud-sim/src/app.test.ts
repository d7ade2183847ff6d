import { afterEach, describe, expect, it } from 'vitest';
import { buildK3SimApp, type K3SimApp } from './app.ts';

const credentials = {
  acctId: 'acct1',
  username: 'api',
  appId: '300001_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
  appSecret: 'secret',
  password: 'pw',
};
const FORM = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService';
const LOGIN = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc';

const apps: K3SimApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function setUp(now: () => number = Date.now) {
  const app = buildK3SimApp({ credentials, sessionTtlMs: 60_000, now });
  apps.push(app);
  const control = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    return { status: res.statusCode, json: res.json() as Record<string, unknown> };
  };
  await control('POST', '/_sim/basedata', {
    customers: [{ number: 'C1', sellerNumber: 'S1' }, { number: 'C2' }],
    materials: [{ number: 'M1' }, { number: 'M2' }],
    stocks: [{ number: 'W1' }],
    salesmen: [{ number: 'S1' }],
    orgs: [{ number: '100' }],
    salesOrders: [{ fid: 5001, billNo: 'SO1', entries: [{ entryId: 7001, materialNumber: 'M1', qty: 2 }] }],
  });
  const login = async () => {
    const res = await app.inject({
      method: 'POST',
      url: LOGIN,
      payload: JSON.stringify({ parameters: ['acct1', 'api', 'pw', 2052] }),
    });
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    return cookies.map((c) => c.split(';')[0]).join('; ');
  };
  let cookie = await login();
  const call = async (method: string, body: unknown) => {
    const res = await app.inject({
      method: 'POST',
      url: `${FORM}.${method}.common.kdsvc`,
      headers: { cookie },
      payload: JSON.stringify(body),
    });
    return res.json() as unknown;
  };
  return { app, control, call, relogin: async () => (cookie = await login()) };
}

const model = (overrides: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) => ({
  FBillTypeID: { FNUMBER: 'XSCKD01_SYS' },
  FBillNo: 'CK1',
  FDate: '2026-01-02',
  FStockOrgId: { FNumber: '100' },
  FSaleOrgId: { FNumber: '100' },
  FCustomerID: { FNumber: 'C1' },
  F_Custom_Text: 'kept',
  FEntity: [
    {
      FMaterialID: { FNumber: 'M1' },
      FRealQty: 2,
      FStockID: { FNumber: 'W1' },
      FSrcBillNo: 'SO1',
      FEntity_Link: [
        {
          FEntity_Link_FSTableName: 'T_SAL_ORDERENTRY',
          FEntity_Link_FSBillId: 5001,
          FEntity_Link_FSId: 7001,
        },
      ],
      ...entry,
    },
  ],
  ...overrides,
});
type Status = {
  Result: {
    ResponseStatus: {
      Errors: Array<{ FieldName: string | null; Message: string; DIndex: number }>;
      MsgCode: number;
    };
  };
};
const errorsOf = (body: unknown) => (body as Status).Result.ResponseStatus.Errors;

describe('SAL_OUTSTOCK validation messages', () => {
  it.each([
    ['missing customer', model({ FCustomerID: undefined }), 'FCustomerID', '字段“客户”是必填项'],
    ['unknown org', model({ FSaleOrgId: { FNumber: '999' } }), 'FSaleOrgId', '字段“销售组织”是必填项'],
    ['unknown bill type', model({ FBillTypeID: { FNumber: 'X' } }), 'FBillTypeID', '字段“单据类型”是必填项'],
    [
      'unknown material',
      model({}, { FMaterialID: { FNumber: 'NOPE' } }),
      'FMaterialID',
      '单据体实体【明细信息】第【1】行分录，【物料编码】字段必录',
    ],
    [
      'no stock',
      model({}, { FStockID: undefined }),
      'FStockID',
      '单据体实体【明细信息】第【1】行分录，【仓库】字段必录',
    ],
    [
      'text quantity',
      model({}, { FRealQty: 'two' }),
      'FRealQty',
      '单据体实体【明细信息】第【1】行分录，【实发数量】的值“two”不是有效的数值',
    ],
    [
      'bad link',
      model({}, { FEntity_Link: [{ FEntity_Link_FSBillId: 5001, FEntity_Link_FSId: 1 }] }),
      'FEntity_Link',
      '单据体实体【明细信息】第【1】行分录，关联的源单分录不存在（T_SAL_ORDERENTRY，FSBillId=5001，FSId=1）',
    ],
    ['no entries', model({ FEntity: [] }), 'FEntity', '单据体实体【明细信息】至少需要录入一行分录'],
  ])('%s', async (_name, bad, field, message) => {
    const { call } = await setUp();
    const body = await call('BatchSave', { formid: 'SAL_OUTSTOCK', data: { Model: [bad] } });
    expect(errorsOf(body)).toEqual([{ FieldName: field, Message: message, DIndex: 0 }]);
  });

  it('reports unknown base data distinctly with IsVerifyBaseDataField', async () => {
    const { call } = await setUp();
    const body = await call('BatchSave', {
      formid: 'SAL_OUTSTOCK',
      data: { IsVerifyBaseDataField: 'true', Model: [model({ FSalesManID: { FNumber: 'S9' } })] },
    });
    expect(errorsOf(body)).toEqual([
      { FieldName: 'FSalesManID', Message: '字段“销售员”的基础资料“S9”不存在、未审核或已禁用', DIndex: 0 },
    ]);
  });

  it('accepts any field-key casing, keeps custom F_ fields, echoes NeedReturnFields', async () => {
    const { call, control } = await setUp();
    const lower = Object.fromEntries(Object.entries(model()).map(([k, v]) => [k.toLowerCase(), v]));
    const body = (await call('Save', {
      formid: 'sal_outstock',
      data: { NeedReturnFields: ['FBillNo', 'FEntity.FENTRYID'], Model: lower },
    })) as {
      Result: { Id: number; Number: string; NeedReturnData: unknown[] };
    };
    expect(body.Result).toMatchObject({
      Number: 'CK1',
      NeedReturnData: [{ FBillNo: 'CK1', FEntity: [{ FENTRYID: 100001 }] }],
    });
    const stored = await control('GET', '/_sim/bills?formId=SAL_OUTSTOCK&offset=0&limit=1');
    expect(stored.json).toMatchObject({
      count: 1,
      bills: [
        { FID: body.Result.Id, f_custom_text: 'kept', FCustomerID: { FNumber: 'C1' }, FDocumentStatus: 'A' },
      ],
    });
  });
});

describe('ExecuteBillQuery', () => {
  it('supports dotted sub-fields, <Entity>_FEntryId, filters and StartRow/Limit', async () => {
    const { call } = await setUp();
    await call('BatchSave', {
      formid: 'SAL_OUTSTOCK',
      data: { Model: [model(), model({ FBillNo: 'CK2' })] },
    });
    const query = (data: Record<string, unknown>) =>
      call('ExecuteBillQuery', { data: { FormId: 'SAL_OUTSTOCK', ...data } });
    expect(
      await query({
        FieldKeys: 'FBillNo,FCustomerID.FNumber,FEntity_FEntryId,FMaterialID.FNumber,FRealQty,F_Custom_Text',
      }),
    ).toEqual([
      ['CK1', 'C1', 100001, 'M1', 2, 'kept'],
      ['CK2', 'C1', 100002, 'M1', 2, 'kept'],
    ]);
    expect(
      await query({ FieldKeys: 'FBillNo', FilterString: "FBillNo='CK2' and FCustomerID.FNumber='C1'" }),
    ).toEqual([['CK2']]);
    expect(await query({ FieldKeys: 'FBillNo', OrderString: 'FBillNo DESC', StartRow: 1, Limit: 1 })).toEqual(
      [['CK1']],
    );
    expect(
      await call('ExecuteBillQuery', {
        data: JSON.stringify({ FormId: 'BD_Customer', FieldKeys: 'FNumber,FSELLER.FNumber' }),
      }),
    ).toEqual([
      ['C1', 'S1'],
      ['C2', null],
    ]);
    expect(
      await call('ExecuteBillQuery', {
        data: {
          FormId: 'SAL_SaleOrder',
          FieldKeys: 'FID,FBillNo,FSaleOrderEntry_FEntryID,FMaterialId.FNumber,FQty',
        },
      }),
    ).toEqual([[5001, 'SO1', 7001, 'M1', 2]]);
  });

  it.each([
    [{ FormId: 'NO_SUCH_FORM', FieldKeys: 'FID' }, 4, '标识为“NO_SUCH_FORM”的业务对象不存在，或者被删除'],
    [{ FormId: 'SAL_OUTSTOCK', FieldKeys: '' }, 8, 'data 数据包中的参数 FieldKeys 的值不能为空'],
    [{ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FNoSuchField' }, 9, '元数据中标识为 FNoSuchField 的字段不存在'],
    [
      { FormId: 'SAL_OUTSTOCK', FieldKeys: 'FID', FilterString: "FBillNo=='x'" },
      4,
      expect.stringMatching(/^GetRealExpress error/),
    ],
  ])('answers %o with MsgCode %d in the [[…]] form', async (data, msgCode, message) => {
    const { call } = await setUp();
    const body = (await call('ExecuteBillQuery', { data })) as Status[][];
    expect(body[0]?.[0]?.Result.ResponseStatus).toMatchObject({
      IsSuccess: false,
      MsgCode: msgCode,
      Errors: [{ Message: message }],
    });
  });
});

describe('sessions, throttling and the control API', () => {
  it('expires idle sessions after the TTL', async () => {
    let clock = 1_000_000;
    const { call, relogin } = await setUp(() => clock);
    const query = { data: { FormId: 'BD_STOCK', FieldKeys: 'FNumber' } };
    expect(await call('ExecuteBillQuery', query)).toEqual([['W1']]);
    clock += 60_001;
    expect(JSON.stringify(await call('ExecuteBillQuery', query))).toContain('"MsgCode":1');
    await relogin();
    expect(await call('ExecuteBillQuery', query)).toEqual([['W1']]);
  });

  it('answers MsgCode 14 beyond maxCallsPerSecond', async () => {
    const { call, control } = await setUp(() => 5_000);
    await control('PUT', '/_sim/faults', { callLimit: { maxCallsPerSecond: 2 } });
    const query = { data: { FormId: 'BD_STOCK', FieldKeys: 'FNumber' } };
    const answers = [
      await call('ExecuteBillQuery', query),
      await call('ExecuteBillQuery', query),
      await call('ExecuteBillQuery', query),
    ];
    expect(answers.map((a) => JSON.stringify(a).includes('"MsgCode":14'))).toEqual([false, false, true]);
    expect((await control('GET', '/_sim/stats')).json).toMatchObject({ faultsInjected: { callLimit: 1 } });
  });

  it('validates control bodies, resets bills but keeps base data', async () => {
    const { call, control } = await setUp();
    expect((await control('PUT', '/_sim/faults', { http5xx: { rate: 2 } })).status).toBe(400);
    expect((await control('POST', '/_sim/basedata', { customers: [{ name: 'no number' }] })).status).toBe(
      400,
    );
    await call('BatchSave', { formid: 'SAL_OUTSTOCK', data: { Model: [model()] } });
    expect((await control('GET', '/_sim/stats')).json).toMatchObject({
      billsSaved: 1,
      bills: 1,
      callsByService: { BatchSave: 1 },
    });
    await control('POST', '/_sim/reset');
    expect((await control('GET', '/_sim/stats')).json).toMatchObject({
      bills: 0,
      billsSaved: 0,
      baseData: { customers: 2 },
    });
  });

  it('answers 404 for an unknown service', async () => {
    const { app } = await setUp();
    const res = await app.inject({ method: 'POST', url: `${FORM}.NoSuchMethod.common.kdsvc`, payload: '{}' });
    expect(res.statusCode).toBe(404);
  });
});
