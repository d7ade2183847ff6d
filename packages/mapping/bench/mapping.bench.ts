/**
 * Orders mapped per second for a 3-row order, on one core. Target ≥ 50,000/s (the mapping must
 * never be the loader's bottleneck); printed, never asserted. Run:
 *   node packages/mapping/bench/mapping.bench.ts
 */
import {
  DEFAULT_MAPPING_PROFILE,
  type MappingLookups,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
} from '../src/index.ts';

const detail = (recId: number, goodsNo: string, count: string, price: string) => ({
  rec_id: recId,
  stockout_id: 700611,
  spec_no: `${goodsNo}-01`,
  goods_no: goodsNo,
  goods_name: '测试商品',
  spec_name: '红色 XL',
  barcode: '6900000000017',
  goods_count: count,
  sell_price: price,
  total_amount: '0.0000',
  share_amount: '0.0000',
  discount: '0.0000',
  gift_type: price === '0.0000' ? 1 : 0,
  src_oid: '4842818029414320724',
  src_tid: '4842818029414320724',
  modified: '2024-01-01 10:00:05',
});

const rawOrder = {
  stockout_id: 700611,
  order_no: 'CK2024010100001',
  src_order_no: 'JY2024010100001',
  src_trade_no: '4842818029414320724',
  status: 95,
  shop_no: 'tmall01',
  shop_name: '天猫旗舰店',
  warehouse_no: 'WH01',
  consign_time: '2024-01-01 10:00:00',
  goods_count: '4.0000',
  goods_total_amount: '57.5000',
  logistics_no: 'SF1234567890',
  nick_name: 'CUST0001',
  fenxiao_nick: '',
  remark: '顾客要求周末送达',
  details_list: [
    detail(1, 'SPU-1', '2.0000', '12.5000'),
    detail(2, 'SPU-2', '1.0000', '32.5000'),
    detail(3, 'SPU-3', '1.0000', '0.0000'),
  ],
};

const lookups: MappingLookups = {
  salesmanNumber: 'EMP001',
  salesOrder: {
    fid: 100120,
    billNo: '4842818029414320724',
    entries: [
      { entryId: 1, materialNumber: 'SPU-1' },
      { entryId: 2, materialNumber: 'SPU-2' },
      { entryId: 3, materialNumber: 'SPU-3' },
    ],
  },
};

function measure(label: string, iterations: number, run: () => unknown): void {
  for (let i = 0; i < 20_000; i++) run(); // warm-up so the JIT has compiled the hot path
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (run()) sink++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = Math.round(iterations / seconds);
  console.log(`${label.padEnd(28)} ${perSecond.toLocaleString('en-US').padStart(10)} orders/s  (${sink} ok)`);
}

const parsed = parseWdtStockoutOrder(rawOrder);
if (!parsed.ok) throw new Error(`bench order does not parse: ${JSON.stringify(parsed.issues)}`);
const order = parsed.value;
const map = () => mapStockoutToSalOutstock(order, DEFAULT_MAPPING_PROFILE, lookups).ok;
if (!map()) throw new Error('bench order does not map');

const iterations = 200_000;
console.log(`3-row order, ${iterations.toLocaleString('en-US')} iterations, Node ${process.version}`);
measure('map (parsed order)', iterations, map);
measure('parse wire order', iterations, () => parseWdtStockoutOrder(rawOrder).ok);
measure('parse + map', iterations, () => {
  const result = parseWdtStockoutOrder(rawOrder);
  return result.ok && mapStockoutToSalOutstock(result.value, DEFAULT_MAPPING_PROFILE, lookups).ok;
});
