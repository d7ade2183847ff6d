import { createK3CloudClient, type K3Auth, type K3CloudClient, K3Error } from '@wdt-k3/k3cloud-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bills, CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

const dataset = smallDataset();
const { acctId, username, appId, appSecret, password } = CREDENTIALS;
const AUTH_MODES: Record<K3Auth['kind'], K3Auth> = {
  signature: { kind: 'signature', acctId, username, appId, appSecret },
  appSecret: { kind: 'appSecret', acctId, username, appId, appSecret },
  password: { kind: 'password', acctId, username, password },
  sign: { kind: 'sign', acctId, username, appId, appSecret },
};

let sim: RunningSim;
const clients: K3CloudClient[] = [];
const client = (auth: K3Auth, extra: { requestTimeoutMs?: number; maxConcurrentRequests?: number } = {}) => {
  const created = createK3CloudClient({ baseUrl: sim.baseUrl, auth, ...extra });
  clients.push(created);
  return created;
};
const stats = async () =>
  (await sim.control('GET', '/_sim/stats')) as Record<string, number> & {
    callsByService: Record<string, number>;
  };

beforeAll(async () => {
  sim = await startSim({ datasets: [dataset] });
});
afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await sim.control('POST', '/_sim/reset', {});
});
afterAll(() => sim.close());

describe('every auth mode saves and queries over real HTTP', () => {
  it.each(Object.keys(AUTH_MODES) as K3Auth['kind'][])('%s', async (kind) => {
    const k3 = client(AUTH_MODES[kind]);
    const model = outstockFromOrder(dataset.orderAt(0), dataset);
    const result = await k3.batchSave('SAL_OUTSTOCK', [model]);
    expect(result.bills).toEqual([
      { index: 0, status: 'saved', id: expect.any(Number), number: model.FBillNo },
    ]);
    const rows = await k3.executeBillQuery({
      formId: 'SAL_OUTSTOCK',
      fieldKeys: ['FID', 'FBillNo'],
      filterString: `FBillNo in ('${model.FBillNo}','NOPE')`,
    });
    expect(rows).toEqual([[result.bills[0]?.status === 'saved' ? result.bills[0].id : -1, model.FBillNo]]);
    expect((await stats()).logins).toBe(kind === 'signature' ? 0 : 1);
  });
});

describe('wrong credentials are refused with K3_AUTH_FAILED (not retryable)', () => {
  it.each([
    ['signature, wrong secret', { ...AUTH_MODES.signature, appSecret: 'wrong' } as K3Auth],
    ['signature, wrong user', { ...AUTH_MODES.signature, username: 'nobody' } as K3Auth],
    ['signature, unknown data centre', { ...AUTH_MODES.signature, acctId: 'nope' } as K3Auth],
    ['appSecret, wrong secret', { ...AUTH_MODES.appSecret, appSecret: 'wrong' } as K3Auth],
    ['password, wrong password', { ...AUTH_MODES.password, password: 'wrong' } as K3Auth],
    ['sign, wrong secret', { ...AUTH_MODES.sign, appSecret: 'wrong' } as K3Auth],
  ])('%s', async (_name, auth) => {
    const error = await client(auth)
      .batchSave('SAL_OUTSTOCK', [outstockFromOrder(dataset.orderAt(1), dataset)])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(K3Error);
    expect(error).toMatchObject({ code: 'K3_AUTH_FAILED', retryable: false });
    expect((await sim.control('GET', '/_sim/bills')).count).toBe(0);
  });
});

describe('BatchSave outcomes by DIndex', () => {
  it('saves the valid bills of a batch and reports each invalid one with K3 messages', async () => {
    const k3 = client(AUTH_MODES.signature);
    const [good, noCustomer, badStock, badLink] = bills(dataset, 10, 4);
    if (good === undefined || noCustomer === undefined || badStock === undefined || badLink === undefined) {
      throw new Error('dataset too small');
    }
    const models = [
      good,
      { ...noCustomer, FCustomerID: { FNumber: 'NO-SUCH-CUSTOMER' } },
      { ...badStock, FEntity: badStock.FEntity.map((row) => ({ ...row, FStockID: { FNumber: 'WH99' } })) },
      {
        ...badLink,
        FEntity: badLink.FEntity.map((row) => ({
          ...row,
          FEntity_Link: row.FEntity_Link.map((link) => ({ ...link, FEntity_Link_FSId: 1 })),
        })),
      },
    ];
    const result = await k3.batchSave('SAL_OUTSTOCK', models);
    expect(result.bills.map((bill) => bill.status)).toEqual(['saved', 'failed', 'failed', 'failed']);
    expect(result.bills[1]).toMatchObject({
      msgCode: 11,
      errors: [{ field: 'FCustomerID', message: '字段“客户”是必填项' }],
    });
    expect(result.bills[2]).toMatchObject({
      errors: expect.arrayContaining([
        { field: 'FStockID', message: '单据体实体【明细信息】第【1】行分录，【仓库】字段必录' },
      ]),
    });
    expect(result.bills[3]).toMatchObject({ errors: [expect.objectContaining({ field: 'FEntity_Link' })] });
    const stored = await sim.control('GET', '/_sim/bills?formId=SAL_OUTSTOCK');
    expect(stored.count).toBe(1);
  });

  it('recognises MsgCode 11 on FBillNo as already saved, across calls and within one batch', async () => {
    const k3 = client(AUTH_MODES.appSecret);
    const [first, second] = bills(dataset, 20, 2);
    if (first === undefined || second === undefined) throw new Error('dataset too small');
    await k3.batchSave('SAL_OUTSTOCK', [first]);
    const result = await k3.batchSave('SAL_OUTSTOCK', [first, second, second]);
    expect(result.bills).toEqual([
      {
        index: 0,
        status: 'duplicate',
        number: first.FBillNo,
        message: `违反字段唯一性要求：编码唯一。[${first.FBillNo}]在当前系统中已经被使用。`,
      },
      { index: 1, status: 'saved', id: expect.any(Number), number: second.FBillNo },
      expect.objectContaining({ index: 2, status: 'duplicate', number: second.FBillNo }),
    ]);
    expect((await stats()).duplicatesRefused).toBe(2);
  });

  it.each([
    ['signature', 1033, /^Field uniqueness requirement violated/],
    ['password', 3076, /^違反欄位唯一性要求/],
  ] as const)(
    'recognises a used number in another language (%s, lcid %i): by the field and MsgCode, not the words',
    async (kind, lcid, words) => {
      const k3 = client({ ...AUTH_MODES[kind], lcid });
      const [bill] = bills(dataset, lcid === 1033 ? 50 : 52, 1);
      if (bill === undefined) throw new Error('dataset too small');
      expect((await k3.batchSave('SAL_OUTSTOCK', [bill])).bills[0]?.status).toBe('saved');
      const again = await k3.batchSave('SAL_OUTSTOCK', [bill]);
      expect(again.bills[0]).toMatchObject({
        status: 'duplicate',
        number: bill.FBillNo,
        message: expect.stringMatching(words),
      });
    },
  );

  it('numbers bills without FBillNo by the default coding rule', async () => {
    const k3 = client(AUTH_MODES.signature);
    const result = await k3.batchSave('SAL_OUTSTOCK', [
      { ...outstockFromOrder(dataset.orderAt(30), dataset), FBillNo: '' },
    ]);
    expect(result.bills[0]).toMatchObject({ status: 'saved', number: 'XSCKD000001' });
  });

  it('saves a second bill of a used number when the account allows duplicates, and shows both', async () => {
    expect(await sim.control('PUT', '/_sim/settings', { uniqueBillNo: false })).toEqual({
      uniqueBillNo: false,
    });
    try {
      const k3 = client(AUTH_MODES.signature);
      const [first, second] = bills(dataset, 40, 2);
      if (first === undefined || second === undefined) throw new Error('dataset too small');
      await k3.batchSave('SAL_OUTSTOCK', [first]);
      const result = await k3.batchSave('SAL_OUTSTOCK', [first, second, second]);
      expect(result.bills.map((bill) => bill.status)).toEqual(['saved', 'saved', 'saved']);
      // ExecuteBillQuery lists every bill of a number, as a K3 without the unique rule would.
      const rows = await k3.executeBillQuery({
        formId: 'SAL_OUTSTOCK',
        fieldKeys: ['FID', 'FBillNo'],
        filterString: `FBillNo in ('${first.FBillNo}','${second.FBillNo}')`,
      });
      expect(rows.map((row) => row[1])).toEqual([
        first.FBillNo,
        first.FBillNo,
        second.FBillNo,
        second.FBillNo,
      ]);
      expect(new Set(rows.map((row) => row[0])).size).toBe(4);
      expect(await stats()).toMatchObject({ duplicatesRefused: 0, duplicateNumbersSaved: 2, billsSaved: 4 });
      // View acts on the oldest bill of the number.
      const viewed = await k3.view('SAL_OUTSTOCK', { number: first.FBillNo });
      expect(viewed.bill?.Id).toBe(rows[0]?.[0]);
    } finally {
      await sim.control('PUT', '/_sim/settings', { uniqueBillNo: true });
    }
    expect(await sim.control('GET', '/_sim/settings')).toEqual({ uniqueBillNo: true });
  });
});

describe('sessions', () => {
  it('re-logins once when the session expires mid-run: reads retried, writes not', async () => {
    const k3 = client(AUTH_MODES.password);
    const [a, b, c] = bills(dataset, 40, 3);
    if (a === undefined || b === undefined || c === undefined) throw new Error('dataset too small');
    await k3.batchSave('SAL_OUTSTOCK', [a]);
    await sim.control('PUT', '/_sim/faults', { expireSessions: true });
    const rows = await k3.executeBillQuery({ formId: 'SAL_OUTSTOCK', fieldKeys: ['FBillNo'] });
    expect(rows).toEqual([[a.FBillNo]]);
    expect((await stats()).logins).toBe(2);

    await sim.control('POST', '/_sim/sessions/expire');
    const lost = await k3.batchSave('SAL_OUTSTOCK', [b]).catch((err: unknown) => err);
    expect(lost).toMatchObject({ code: 'K3_SESSION_LOST', retryable: true, ambiguous: false });
    expect((await stats()).logins).toBe(3);
    expect((await k3.batchSave('SAL_OUTSTOCK', [b, c])).bills.map((bill) => bill.status)).toEqual([
      'saved',
      'saved',
    ]);
    expect((await stats()).logins).toBe(3);
  });

  it('never has more than one login in flight', async () => {
    const k3 = client(AUTH_MODES.appSecret, { maxConcurrentRequests: 6 });
    await k3.executeBillQuery({ formId: 'BD_Customer', fieldKeys: ['FNumber'] });
    await sim.control('POST', '/_sim/sessions/expire');
    const queries = Array.from({ length: 6 }, () =>
      k3.executeBillQuery({ formId: 'BD_STOCK', fieldKeys: ['FNumber'], orderString: 'FNumber' }),
    );
    for (const rows of await Promise.all(queries))
      expect(rows).toEqual([['WH01'], ['WH02'], ['WH03'], ['WH04']]);
    expect((await stats()).logins).toBe(2);
  });

  it('in signature mode renews the session silently', async () => {
    const k3 = client(AUTH_MODES.signature);
    await k3.executeBillQuery({ formId: 'BD_STOCK', fieldKeys: ['FNumber'] });
    await sim.control('POST', '/_sim/sessions/expire');
    await k3.batchSave('SAL_OUTSTOCK', [outstockFromOrder(dataset.orderAt(50), dataset)]);
    const after = await stats();
    expect(after.sessionsIssued).toBe(2);
    expect(after.sessionLostAnswers).toBe(0);
  });
});

describe('queries', () => {
  it('pages with StartRow/Limit until a short page', async () => {
    const k3 = client(AUTH_MODES.signature);
    const saved = bills(dataset, 60, 5);
    await k3.batchSave('SAL_OUTSTOCK', saved);
    const query = { formId: 'SAL_OUTSTOCK', fieldKeys: ['FBillNo'], orderString: 'FID' };
    expect(await k3.executeBillQuery({ ...query, startRow: 2, limit: 2 })).toEqual(
      saved.slice(2, 4).map((bill) => [bill.FBillNo]),
    );
    const before = (await stats()).callsByService.ExecuteBillQuery ?? 0;
    expect(await k3.queryAll(query, 2)).toEqual(saved.map((bill) => [bill.FBillNo]));
    expect((await stats()).callsByService.ExecuteBillQuery).toBe(before + 3);
  });

  it('answers the loader’s sales-order and customer queries from generated data', async () => {
    const k3 = client(AUTH_MODES.signature);
    const orders = [dataset.orderAt(3), dataset.orderAt(4)];
    const rows = await k3.executeBillQuery({
      formId: 'SAL_SaleOrder',
      fieldKeys: ['FID', 'FBillNo', 'FSaleOrderEntry_FEntryID', 'FMaterialId.FNumber', 'FQty'],
      filterString: `FBillNo in (${orders.map((order) => `'${order.src_trade_no}'`).join(',')})`,
    });
    const expected = orders.flatMap((order) => {
      const so = dataset.salesOrderFor(order.src_trade_no);
      return (so?.entries ?? []).map((e) => [
        so?.fid,
        so?.billNo,
        e.entryId,
        e.materialNumber,
        e.qty / 10_000,
      ]);
    });
    expect(rows).toEqual(expected);
    const customer = dataset.catalog.customers[0];
    expect(
      await k3.executeBillQuery({
        formId: 'BD_Customer',
        fieldKeys: ['FNumber', 'FSELLER.FNumber'],
        filterString: `FNumber in ('${customer?.nick}','nobody')`,
      }),
    ).toEqual([[customer?.nick, customer?.sellerNumber]]);
  });

  it('throws K3_QUERY_FAILED for the [[{"Result":…}]] error form', async () => {
    const k3 = client(AUTH_MODES.signature);
    const error = await k3
      .executeBillQuery({ formId: 'SAL_OUTSTOCK', fieldKeys: ['FNoSuchField'] })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'K3_QUERY_FAILED', msgCode: 9, retryable: false });
  });
});

describe('thin operations', () => {
  it('views, submits, audits and refuses to delete an audited bill', async () => {
    const k3 = client(AUTH_MODES.sign);
    const model = outstockFromOrder(dataset.orderAt(70), dataset);
    const saved = (await k3.batchSave('SAL_OUTSTOCK', [model])).bills[0];
    const view = await k3.view('SAL_OUTSTOCK', { number: model.FBillNo });
    expect(view.ok).toBe(true);
    expect(view.bill).toMatchObject({ BillNo: model.FBillNo, DocumentStatus: 'A' });
    expect((await k3.submit('SAL_OUTSTOCK', { numbers: [model.FBillNo] })).ok).toBe(true);
    const audited = await k3.audit('SAL_OUTSTOCK', { ids: saved?.status === 'saved' ? [saved.id] : [] });
    expect(audited.successes).toEqual([{ id: expect.any(Number), number: model.FBillNo, index: 0 }]);
    const again = await k3.audit('SAL_OUTSTOCK', { numbers: [model.FBillNo] });
    expect(again.errors[0]?.message).toBe(`单据编号为“${model.FBillNo}”的销售出库单，单据已经审核！`);
    expect((await k3.delete('SAL_OUTSTOCK', { numbers: [model.FBillNo] })).ok).toBe(false);
    expect((await k3.view('SAL_OUTSTOCK', { number: 'NOPE' })).bill).toBeNull();
  });
});
