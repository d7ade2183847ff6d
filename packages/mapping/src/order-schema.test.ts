import { describe, expect, it } from 'vitest';
import { parsed, type RawOrder, rawOrder, rawRow } from '../test/orders.ts';
import { Decimal } from './decimal.ts';
import { MAP_ISSUE_CODES } from './errors.ts';
import { parseWdtStockoutOrder, readCleanOrder, wdtStockoutOrderSchema } from './order-schema.ts';

describe('WDT stock-out wire format', () => {
  it.each([
    ['a number', 700611, '700611'],
    ['a string', '700611', '700611'],
    ['a string with spaces', ' 700611 ', '700611'],
  ])('stockout_id sent as %s is normalised to text', (_, sent, expected) => {
    expect(parsed(rawOrder({ stockout_id: sent })).stockout_id).toBe(expected);
  });

  it.each([
    [12670612, '12670612'],
    ['12670612', '12670612'],
  ])('rec_id %o is normalised to text', (sent, expected) => {
    expect(parsed(rawOrder({}, [rawRow({ rec_id: sent })])).details_list[0]?.rec_id).toBe(expected);
  });

  it.each([
    ['"12.5000"', '12.5000', '12.5'],
    ['12.5', 12.5, '12.5'],
    ['"0.0001"', '0.0001', '0.0001'],
    ['3', 3, '3'],
    ['"123456789.1234"', '123456789.1234', '123456789.1234'],
    ['0.1 (a float that is not exact in binary)', 0.1, '0.1'],
  ])('goods_count %s is kept as the exact decimal %s', (_, sent, exact) => {
    const row = parsed(rawOrder({}, [rawRow({ goods_count: sent })])).details_list[0];
    expect(row?.goods_count).toBeInstanceOf(Decimal);
    expect(row?.goods_count.toString()).toBe(exact);
  });

  it('keeps sums exact where floating point drifts', () => {
    const order = parsed(
      rawOrder({}, [rawRow({ rec_id: 1, goods_count: '0.1000' }), rawRow({ rec_id: 2, goods_count: 0.2 })]),
    );
    const sum = order.details_list.reduce((total, row) => total.plus(row.goods_count), new Decimal(0));
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum.eq('0.3')).toBe(true);
  });

  // The bill never carries these, so a corrupt one must not dead-letter the order (README).
  it.each([
    ['paid', 'abc'],
    ['goods_total_amount', '1,000'],
    ['receivable', null],
    ['discount', 12.5],
    ['post_amount', { amount: 1 }],
    ['goods_count', '4.0000'],
  ])('the order money field %s the mapping does not read is kept as received: %o', (field, sent) => {
    expect(parsed(rawOrder({ [field]: sent }))[field]).toStrictEqual(sent);
  });

  it.each([
    ['price', '1e3'],
    ['total_amount', '1,000'],
    ['share_amount', 'abc'],
    ['share_post', null],
    ['discount', -0.5],
  ])('the row money field %s the mapping does not read is kept as received: %o', (field, sent) => {
    expect(parsed(rawOrder({}, [rawRow({ [field]: sent })])).details_list[0]?.[field]).toStrictEqual(sent);
  });

  it('leaves an unread money field that was absent absent', () => {
    expect(Object.hasOwn(rawOrder(), 'paid')).toBe(false);
    expect(parsed(rawOrder())).not.toHaveProperty('paid');
  });

  it.each([
    ['null', null, null],
    ['absent', undefined, null],
    ['Chinese text', '顾客备注:请周末送达', '顾客备注:请周末送达'],
    ['a number', 12345, '12345'],
  ])('a text field that is %s is read as %o', (_, sent, expected) => {
    expect(parsed(rawOrder({ remark: sent })).remark).toBe(expected);
  });

  it.each([
    [95, 95],
    ['95', 95],
    [null, null],
  ])('status %o is read as the number %o', (sent, expected) => {
    expect(parsed(rawOrder({ status: sent })).status).toBe(expected);
  });

  it('keeps fields it does not declare, on the order and on each row, untouched', () => {
    const order = parsed(
      rawOrder({ receiver_province: 310000, post_cost: '8.5000', stockout_receiver_dtb: { a: [1] } }, [
        rawRow({ prop1: '定制刻字', batch_no: null }),
      ]),
    );
    expect(order.receiver_province).toBe(310000);
    expect(order.post_cost).toBe('8.5000');
    expect(order.stockout_receiver_dtb).toEqual({ a: [1] });
    expect(order.details_list[0]?.prop1).toBe('定制刻字');
    expect(order.details_list[0]?.batch_no).toBeNull();
  });

  it('is the exported zod schema that parseWdtStockoutOrder applies', () => {
    const raw = rawOrder();
    expect(wdtStockoutOrderSchema.parse(raw)).toEqual(parsed(raw));
  });
});

type Case = [name: string, raw: RawOrder, code: string, path: string];

const row = rawRow;
const order = rawOrder;

/** Data-quality rules that need neither the profile nor K3: one per row of the issue. */
const RULES: Case[] = [
  ['order_no is missing', order({ order_no: undefined }), MAP_ISSUE_CODES.MISSING_ORDER_NO, 'order_no'],
  ['order_no is blank', order({ order_no: '  ' }), MAP_ISSUE_CODES.MISSING_ORDER_NO, 'order_no'],
  ['order_no is null', order({ order_no: null }), MAP_ISSUE_CODES.MISSING_ORDER_NO, 'order_no'],
  [
    'stockout_id is missing',
    order({ stockout_id: undefined }),
    MAP_ISSUE_CODES.MISSING_STOCKOUT_ID,
    'stockout_id',
  ],
  ['stockout_id is empty', order({ stockout_id: '' }), MAP_ISSUE_CODES.MISSING_STOCKOUT_ID, 'stockout_id'],
  [
    'stockout_id lost precision',
    order({ stockout_id: 2 ** 53 + 2 }),
    MAP_ISSUE_CODES.INVALID_FIELD,
    'stockout_id',
  ],
  ['details_list is empty', order({}, []), MAP_ISSUE_CODES.EMPTY_DETAILS, 'details_list'],
  ['details_list is null', order({ details_list: null }), MAP_ISSUE_CODES.EMPTY_DETAILS, 'details_list'],
  [
    'details_list is absent',
    order({ details_list: undefined }),
    MAP_ISSUE_CODES.EMPTY_DETAILS,
    'details_list',
  ],
  ['details_list is not a list', order({ details_list: 'x' }), MAP_ISSUE_CODES.INVALID_FIELD, 'details_list'],
  [
    'consign_time is missing',
    order({ consign_time: null }),
    MAP_ISSUE_CODES.INVALID_CONSIGN_TIME,
    'consign_time',
  ],
  [
    'consign_time is a zero date',
    order({ consign_time: '0000-00-00 00:00:00' }),
    'MAP_INVALID_CONSIGN_TIME',
    'consign_time',
  ],
  [
    'consign_time is 30 Feb',
    order({ consign_time: '2024-02-30 10:00:00' }),
    'MAP_INVALID_CONSIGN_TIME',
    'consign_time',
  ],
  [
    'consign_time is ISO',
    order({ consign_time: '2024-03-18T10:12:05Z' }),
    'MAP_INVALID_CONSIGN_TIME',
    'consign_time',
  ],
  [
    'consign_time is epoch ms',
    order({ consign_time: 1710727925000 }),
    'MAP_INVALID_CONSIGN_TIME',
    'consign_time',
  ],
  [
    'consign_time is 24:00',
    order({ consign_time: '2024-03-18 24:00:00' }),
    'MAP_INVALID_CONSIGN_TIME',
    'consign_time',
  ],
  [
    'goods_count is text',
    order({}, [row({ goods_count: '两件' })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count is 0',
    order({}, [row({ goods_count: '0.0000' })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count is negative',
    order({}, [row({ goods_count: -1 })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count is null',
    order({}, [row({ goods_count: null })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count is 1e3',
    order({}, [row({ goods_count: '1e3' })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count is NaN',
    order({}, [row({ goods_count: Number.NaN })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'goods_count has 16 significant digits',
    order({}, [row({ goods_count: '123456789012.3456' })]),
    'MAP_INVALID_QUANTITY',
    'details_list.0.goods_count',
  ],
  [
    'sell_price is negative',
    order({}, [row({ sell_price: '-0.0100' })]),
    'MAP_INVALID_PRICE',
    'details_list.0.sell_price',
  ],
  [
    'sell_price is text',
    order({}, [row({ sell_price: '免费' })]),
    'MAP_INVALID_PRICE',
    'details_list.0.sell_price',
  ],
  [
    'sell_price is missing',
    order({}, [row({ sell_price: undefined })]),
    'MAP_INVALID_PRICE',
    'details_list.0.sell_price',
  ],
  [
    'rec_id is missing',
    order({}, [row({ rec_id: null })]),
    MAP_ISSUE_CODES.MISSING_REC_ID,
    'details_list.0.rec_id',
  ],
  [
    'rec_id repeats (number and text)',
    order({}, [row({ rec_id: 7 }), row({ rec_id: '7' })]),
    MAP_ISSUE_CODES.DUPLICATE_REC_ID,
    'details_list.1.rec_id',
  ],
  ['a text field is an object', order({ nick_name: { a: 1 } }), MAP_ISSUE_CODES.INVALID_FIELD, 'nick_name'],
  ['status is not a number', order({ status: 'shipped' }), MAP_ISSUE_CODES.INVALID_FIELD, 'status'],
];

describe('data-quality rules of the wire order', () => {
  it.each(RULES)('%s → %s at %s', (_, raw, code, path) => {
    expect(readCleanOrder(raw)).toBeNull(); // the fast path leaves it to the schema
    const result = parseWdtStockoutOrder(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual({ code, path, message: expect.any(String) });
  });

  it.each([
    ['a string', 'CK2024'],
    ['null', null],
    ['a list', [rawOrder()]],
  ])('an order that is %s is one MAP_INVALID_FIELD issue, not an exception', (_, raw) => {
    expect(parseWdtStockoutOrder(raw)).toEqual({
      ok: false,
      issues: [
        {
          code: MAP_ISSUE_CODES.INVALID_FIELD,
          path: '',
          message: expect.stringContaining('not a JSON object'),
        },
      ],
    });
  });

  it('reports every problem of an order at once, duplicates included', () => {
    const raw = rawOrder({ order_no: '', stockout_id: null, consign_time: 'yesterday' }, [
      rawRow({ rec_id: 1, goods_count: 'x' }),
      rawRow({ rec_id: 1, sell_price: '-1' }),
      rawRow({ rec_id: 2, goods_count: 0 }),
    ]);
    const result = parseWdtStockoutOrder(raw);
    if (result.ok) throw new Error('expected issues');
    expect(result.issues.map((issue) => `${issue.code} ${issue.path}`).sort()).toEqual(
      [
        'MAP_MISSING_ORDER_NO order_no',
        'MAP_MISSING_STOCKOUT_ID stockout_id',
        'MAP_INVALID_CONSIGN_TIME consign_time',
        'MAP_INVALID_QUANTITY details_list.0.goods_count',
        'MAP_INVALID_PRICE details_list.1.sell_price',
        'MAP_DUPLICATE_REC_ID details_list.1.rec_id',
        'MAP_INVALID_QUANTITY details_list.2.goods_count',
      ].sort(),
    );
  });

  it('names the row and the value in messages so a person can find them', () => {
    const result = parseWdtStockoutOrder(rawOrder({}, [rawRow({ sell_price: '-3.5000' })]));
    if (result.ok) throw new Error('expected issues');
    expect(result.issues[0]?.message).toContain('-3.5');
  });
});
