import {
  createK3CloudClient,
  findBillIds,
  findCustomerSellers,
  findSalesOrders,
  inFilter,
} from '@wdt-k3/k3cloud-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

const dataset = smallDataset(9, 50);
let sim: RunningSim;
let client: ReturnType<typeof createK3CloudClient>;

beforeAll(async () => {
  sim = await startSim({ datasets: [dataset] });
  client = createK3CloudClient({ baseUrl: sim.baseUrl, auth: { kind: 'signature', ...CREDENTIALS } });
});
afterAll(async () => {
  client.close();
  await sim.close();
});

describe('the reads around a SAL_OUTSTOCK save', () => {
  it('finds customers’ salesmen, leaving unknown customers out', async () => {
    const known = dataset.catalog.customers.slice(0, 3);
    const sellers = await findCustomerSellers(client, [...known.map((c) => c.nick), 'no-such-customer']);
    expect(Object.fromEntries(sellers)).toEqual(
      Object.fromEntries(known.map((c) => [c.nick, c.sellerNumber])),
    );
  });

  it('finds sales orders with their entries in sequence', async () => {
    const orders = [dataset.orderAt(1), dataset.orderAt(2)];
    const found = await findSalesOrders(client, [...orders.map((o) => o.src_trade_no), '1234']);
    expect(found.size).toBe(2);
    for (const order of orders) {
      const expected = dataset.salesOrderFor(order.src_trade_no);
      expect(found.get(order.src_trade_no)).toEqual({
        fid: expected?.fid,
        billNo: order.src_trade_no,
        entries: expected?.entries.map((entry) => ({
          entryId: entry.entryId,
          materialNumber: entry.materialNumber,
        })),
      });
    }
  });

  it('finds the ids of saved bills by number, and nothing for numbers not saved', async () => {
    const saved = await client.batchSave('SAL_OUTSTOCK', [outstockFromOrder(dataset.orderAt(3), dataset)]);
    const ids = await findBillIds(client, 'SAL_OUTSTOCK', [String(dataset.orderAt(3).order_no), "CK'none"]);
    expect([...ids]).toEqual([[String(dataset.orderAt(3).order_no), (saved.bills[0] as { id: number }).id]]);
  });

  it('doubles quotes inside filter values and asks nothing for an empty list', async () => {
    expect(inFilter('FNumber', ["A'1", 'B'])).toBe("FNumber in ('A''1','B')");
    expect((await findBillIds(client, 'SAL_OUTSTOCK', [])).size).toBe(0);
  });
});
