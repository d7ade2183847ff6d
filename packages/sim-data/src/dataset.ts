import { formatBeijingTime } from '@wdt-k3/runtime';
import { type Catalog, createCatalog, type Material } from './catalog.ts';
import { beijingDay, formatMoney4, pad } from './format.ts';
import { createRandom, mix, pick } from './random.ts';

/** Knobs for how orders look. Rates are probabilities per order in [0, 1]. */
export interface DatasetShape {
  readonly minRows: number;
  readonly maxRows: number;
  /** Share of rows that are gifts (sell_price "0.0000", gift_type 1). */
  readonly giftRate: number;
  /** Orders from a distributor (`fenxiao_nick` set); the default profile cannot map these as-is. */
  readonly distributorRate: number;
  /** Orders from 淘宝/天猫 shops, whose buyer fields (nick_name…) Qimen withholds. */
  readonly taobaoRate: number;
  /** Orders with one row whose goods_no K3 does not know (ends as missing base data). */
  readonly unknownMaterialRate: number;
  /** Orders with an empty nick_name (ends as a missing-customer mapping issue). */
  readonly missingCustomerRate: number;
  /** Orders whose sales order is absent from K3 (the link cannot be built). */
  readonly unlinkedRate: number;
}

export const DEFAULT_SHAPE: DatasetShape = {
  minRows: 1,
  maxRows: 20,
  giftRate: 0.08,
  distributorRate: 0,
  taobaoRate: 0,
  unknownMaterialRate: 0,
  missingCustomerRate: 0,
  unlinkedRate: 0,
};

export interface DatasetOptions {
  readonly seed: number;
  readonly count: number;
  /** Consign times are spread evenly over [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly shape?: Partial<DatasetShape>;
}

/** A WDT stock-out order exactly as the Qimen JSON carries it (ids numbers, money strings). */
export type WdtOrderWire = Record<string, unknown> & {
  stockout_id: number;
  order_no: string;
  src_trade_no: string;
  consign_time: string;
  modified: string;
  status: number;
  shop_no: string;
  warehouse_no: string;
  platform_id: number;
  details_list: Array<Record<string, unknown>>;
};

export interface SalesOrderEntry {
  readonly entryId: number;
  readonly seq: number;
  readonly materialNumber: string;
  /** Quantity and tax-inclusive price in ten-thousandths. */
  readonly qty: number;
  readonly taxPrice: number;
}

/** The K3 SAL_SaleOrder a stock-out links to (FBillNo = src_trade_no). */
export interface SalesOrder {
  readonly fid: number;
  readonly billNo: string;
  readonly date: string;
  readonly customerNumber: string;
  readonly saleOrgNumber: string;
  readonly entries: readonly SalesOrderEntry[];
}

export interface Dataset {
  readonly seed: number;
  readonly count: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly shape: DatasetShape;
  readonly catalog: Catalog;
  /** First and last stockout_id of the dataset. */
  readonly stockoutIdRange: readonly [number, number];
  /** Order `index` (0 ≤ index < count), generated on demand; the same every time. */
  orderAt(index: number): WdtOrderWire;
  /** Consign time (epoch ms) of order `index`, without building the order. Non-decreasing in index. */
  consignTimeAt(index: number): number;
  /** The dataset index of a stock-out id, or -1. */
  indexOfStockoutId(stockoutId: number): number;
  /** The sales order behind `src_trade_no`, or undefined when K3 does not have it. */
  salesOrderFor(srcTradeNo: string): SalesOrder | undefined;
}

const REMARKS = ['', '', '', '', '请尽快发货', '送礼物，不要放发票', '周末不收货', '老客户，多送一包小样'];
const CARRIERS = [
  { code: 'SF', prefix: 'SF' },
  { code: 'YTO', prefix: 'YT' },
  { code: 'ZTO', prefix: '7' },
  { code: 'JD', prefix: 'JDVA' },
] as const;

// Ids are laid out per seed so datasets of different seeds can live in one simulator.
const stockoutIdBase = (seed: number): number => 1_000_000 + (seed % 1000) * 10_000_000;
const salesOrderFidBase = (seed: number): number => 500_000 + (seed % 1000) * 10_000_000;
const tidBase = (seed: number): bigint =>
  3_000_000_000_000_000_000n + BigInt(seed % 1_000_000) * 10_000_000_000n;

export function createDataset(options: DatasetOptions): Dataset {
  const { seed, count, fromMs, toMs } = options;
  if (!Number.isInteger(count) || count < 0 || count >= 10_000_000)
    throw new RangeError('count must be 0 … 9,999,999');
  if (!(toMs > fromMs)) throw new RangeError('toMs must be after fromMs');
  const shape: DatasetShape = { ...DEFAULT_SHAPE, ...options.shape };
  const catalog = createCatalog(seed);
  const idBase = stockoutIdBase(seed);
  const spanMs = toMs - fromMs;
  const consignTimeAt = (index: number): number => fromMs + Math.floor((index * spanMs) / Math.max(count, 1));
  const build = (index: number): GeneratedOrder =>
    generateOrder(index, seed, shape, catalog, idBase, consignTimeAt(index));

  return {
    seed,
    count,
    fromMs,
    toMs,
    shape,
    catalog,
    stockoutIdRange: [idBase, idBase + count - 1],
    orderAt: (index) => {
      if (!(index >= 0 && index < count)) throw new RangeError(`order index ${index} outside 0…${count - 1}`);
      return build(index).wire;
    },
    consignTimeAt,
    indexOfStockoutId: (stockoutId) => {
      const index = stockoutId - idBase;
      return Number.isInteger(index) && index >= 0 && index < count ? index : -1;
    },
    salesOrderFor: (srcTradeNo) => {
      if (!/^\d{19}$/.test(srcTradeNo)) return undefined;
      const index = Number(BigInt(srcTradeNo) - tidBase(seed));
      if (!(index >= 0 && index < count)) return undefined;
      const order = build(index);
      return order.unlinked ? undefined : toSalesOrder(order, salesOrderFidBase(seed) + index);
    },
  };
}

interface GeneratedRow {
  readonly material: Material;
  readonly goodsNo: string;
  readonly qty: number;
  readonly price: number;
}
interface GeneratedOrder {
  readonly wire: WdtOrderWire;
  readonly rows: readonly GeneratedRow[];
  readonly unlinked: boolean;
  readonly customerNick: string;
}

/** Most e-commerce orders have one to three lines; a geometric tail reaches `maxRows`. */
function rowCount(random: () => number, shape: DatasetShape): number {
  const n = shape.minRows + Math.floor(-Math.log(1 - random()) * 1.4);
  return Math.min(Math.max(n, shape.minRows), shape.maxRows);
}

function generateOrder(
  index: number,
  seed: number,
  shape: DatasetShape,
  catalog: Catalog,
  idBase: number,
  consignMs: number,
): GeneratedOrder {
  const random = createRandom(mix(seed, index));
  const stockoutId = idBase + index;
  const shop =
    shape.taobaoRate > 0 && random() < shape.taobaoRate
      ? pick(catalog.taobaoShops, random)
      : pick(catalog.shops, random);
  const warehouse = pick(catalog.warehouses, random);
  const customer = pick(catalog.customers, random);
  const customerNick =
    shape.missingCustomerRate > 0 && random() < shape.missingCustomerRate ? '' : customer.nick;
  const distributor =
    shape.distributorRate > 0 && random() < shape.distributorRate
      ? pick(catalog.distributors, random)
      : undefined;
  const unknownMaterial = shape.unknownMaterialRate > 0 && random() < shape.unknownMaterialRate;
  const unlinked = shape.unlinkedRate > 0 && random() < shape.unlinkedRate;
  const rows = generateRows(random, shape, catalog, unknownMaterial ? index : -1);
  const srcTradeNo = String(tidBase(seed) + BigInt(index));
  const day = beijingDay(consignMs);
  const srcOrderNo = `JY${day}${pad(index, 7)}`;
  const orderNo = `CK${day}${pad(index, 7)}`;
  const carrier = pick(CARRIERS, random);
  const consignText = formatBeijingTime(consignMs);
  let goodsCount = 0;
  let amount = 0;
  const details = rows.map((row, r) => {
    const total = (row.qty / 10000) * row.price;
    goodsCount += row.qty;
    amount += total;
    return {
      rec_id: stockoutId * 100 + r,
      stockout_id: stockoutId,
      spec_no: row.material.specNo,
      goods_no: row.goodsNo,
      goods_name: row.material.goodsName,
      spec_name: row.material.specName,
      barcode: row.material.barcode,
      goods_count: formatMoney4(row.qty),
      sell_price: formatMoney4(row.price),
      total_amount: formatMoney4(total),
      share_amount: formatMoney4(total),
      share_post: '0.0000',
      discount: '0.0000',
      gift_type: row.price === 0 ? 1 : 0,
      refund_status: 0,
      src_oid: `${srcTradeNo}${pad(r, 2)}`,
      src_tid: srcTradeNo,
      platform_id: shop.platformId,
      modified: consignText,
    };
  });
  const wire: WdtOrderWire = {
    stockout_id: stockoutId,
    order_no: orderNo,
    stockout_no: orderNo,
    src_order_no: srcOrderNo,
    src_trade_no: srcTradeNo,
    src_tids: srcTradeNo,
    trade_no: srcOrderNo,
    order_type: 1,
    status: 95,
    trade_status: 95,
    trade_type: 1,
    shop_no: shop.shopNo,
    shop_name: shop.shopName,
    platform_id: shop.platformId,
    warehouse_no: warehouse.warehouseNo,
    warehouse_name: warehouse.warehouseName,
    consign_time: consignText,
    modified: formatBeijingTime(consignMs + Math.floor(random() * 5000)),
    trade_time: formatBeijingTime(consignMs - 3_600_000 - Math.floor(random() * 86_400_000)),
    pay_time: formatBeijingTime(consignMs - 3_000_000),
    goods_count: formatMoney4(goodsCount),
    goods_total_amount: formatMoney4(amount),
    post_amount: '0.0000',
    receivable: formatMoney4(amount),
    paid: formatMoney4(amount),
    discount: '0.0000',
    logistics_no: `${carrier.prefix}${pad(mix(seed, index, 7) % 1_000_000_000, 9)}${pad(index % 1000, 3)}`,
    logistics_code: carrier.code,
    nick_name: customerNick,
    customer_name: customerNick,
    receiver_name: customerNick === '' ? '' : `${customerNick.slice(0, 1)}**`,
    receiver_mobile: `138****${pad(index % 10000, 4)}`,
    receiver_address: '上海市 浦东新区 张江路**号',
    fenxiao_nick: distributor?.nick ?? '',
    remark: pick(REMARKS, random),
    refund_status: 0,
    details_list: details,
  };
  return { wire, rows, unlinked, customerNick };
}

function generateRows(
  random: () => number,
  shape: DatasetShape,
  catalog: Catalog,
  unknownAt: number,
): GeneratedRow[] {
  const n = rowCount(random, shape);
  const used = new Set<number>();
  const rows: GeneratedRow[] = [];
  for (let r = 0; r < n; r += 1) {
    let m = Math.floor(random() * catalog.materials.length);
    while (used.has(m)) m = (m + 1) % catalog.materials.length;
    used.add(m);
    const material = catalog.materials[m] as Material;
    const gift = random() < shape.giftRate;
    rows.push({
      material,
      // An unknown material keeps the catalog row otherwise, so only its number is wrong.
      goodsNo: unknownAt >= 0 && r === 0 ? `9.99.${pad(unknownAt % 10000, 4)}` : material.goodsNo,
      qty: (1 + Math.floor(random() * 5)) * 10000,
      price: gift ? 0 : material.price,
    });
  }
  return rows;
}

function toSalesOrder(order: GeneratedOrder, fid: number): SalesOrder {
  return {
    fid,
    billNo: order.wire.src_trade_no,
    date: order.wire.consign_time.slice(0, 10),
    customerNumber: order.customerNick,
    saleOrgNumber: '100',
    entries: order.rows.map((row, r) => ({
      entryId: fid * 100 + r + 1,
      seq: r + 1,
      materialNumber: row.goodsNo,
      qty: row.qty,
      taxPrice: row.price,
    })),
  };
}
