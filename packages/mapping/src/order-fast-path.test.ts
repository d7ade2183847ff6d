import { describe, expect, it } from 'vitest';
import { corrupt, generateOrder, random } from '../test/generated-orders.ts';
import { FIXTURE_NAMES, type RawOrder, rawOrder, rawRow, readFixture } from '../test/orders.ts';
import { parseWdtStockoutOrder, readCleanOrder, wdtStockoutOrderSchema } from './order-schema.ts';

/**
 * The fast path answers exactly as the schema does, or not at all. Returns which one answered,
 * so each test can also show that the branch it is about was taken.
 */
function answerOf(raw: unknown): 'fast' | 'schema' {
  const fast = readCleanOrder(raw);
  if (fast === null) return 'schema';
  const schema = wdtStockoutOrderSchema.safeParse(raw);
  expect(schema.success).toBe(true);
  expect(fast).toStrictEqual(schema.data);
  return 'fast';
}

describe('the fast path of parseWdtStockoutOrder', () => {
  it.each(FIXTURE_NAMES)('takes fixture %s and yields what the schema yields', (name) => {
    expect(answerOf(readFixture(name))).toBe('fast');
  });

  it('takes 500 generated valid orders (seed 20240318) and yields what the schema yields', () => {
    const next = random(20240318);
    for (let caseNo = 1; caseNo <= 500; caseNo++) {
      expect(answerOf(generateOrder(next, caseNo).raw)).toBe('fast');
    }
  });

  it('on 2,000 corrupted orders (seed 11) agrees with the schema or leaves the order to it', () => {
    const next = random(11);
    const base = readFixture('stockout-3-rows-gift');
    const answered = { fast: 0, schema: 0 };
    for (let caseNo = 0; caseNo < 2000; caseNo++) {
      let raw = base;
      for (let times = 1 + Math.floor(next() * 3); times > 0; times--) raw = corrupt(raw, next);
      answered[answerOf(raw)]++;
    }
    // Both branches ran: junk in an undeclared field stays on the fast path, the rest falls back.
    expect(answered.fast).toBeGreaterThan(200);
    expect(answered.schema).toBeGreaterThan(200);
  });

  const withProtoKey: RawOrder = JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(rawOrder()).slice(1)}`);

  it.each([
    ['an order without a prototype', Object.assign(Object.create(null), rawOrder())],
    ['a row without a prototype', rawOrder({}, [Object.assign(Object.create(null), rawRow())])],
    ['an own "__proto__" key', withProtoKey],
    ['a symbol key', { ...rawOrder(), [Symbol('extra')]: 1 }],
  ])('leaves %s to the schema, which still parses it', (_, raw) => {
    expect(readCleanOrder(raw)).toBeNull();
    const result = parseWdtStockoutOrder(raw);
    expect(result).toEqual({ ok: true, value: wdtStockoutOrderSchema.parse(raw) });
    if (result.ok) expect(Object.hasOwn(result.value, '__proto__')).toBe(false);
  });

  it('returns new objects and leaves the order as received as it was', () => {
    const raw = readFixture('stockout-3-rows-gift');
    const before = structuredClone(raw);
    const value = readCleanOrder(raw);
    if (value === null) throw new Error('expected the fast path to take the fixture');
    expect(value).not.toBe(raw);
    expect((value.details_list as unknown[])[0]).not.toBe((raw.details_list as unknown[])[0]);
    expect(raw).toStrictEqual(before);
  });
});
