import { describe, expect, it } from 'vitest';
import { contentHashOf, stableHash, stableJson } from './ids.ts';

/** The first version, whose output every stored content hash and bill hash was made from. */
function referenceStableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceStableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${referenceStableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KEYS = ['a', 'B', 'order_no', '10', '2', '', 'é', '"q"', 'line\nbreak', '__proto__x', 'z', '中文'];

function randomValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 3 || pick < 0.35) {
    const leaves = [null, undefined, true, false, 0, -1.5, 1e21, Number.NaN, '', 'text', '引号"\\', '\u2028'];
    return leaves[Math.floor(random() * leaves.length)];
  }
  if (pick < 0.6)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let n = Math.floor(random() * 6); n > 0; n -= 1)
    object[KEYS[Math.floor(random() * KEYS.length)] as string] = randomValue(random, depth + 1);
  return object;
}

describe('stableJson', () => {
  it('writes exactly what the first version wrote, for any JSON-like value', () => {
    const random = seeded(15);
    for (let n = 0; n < 5_000; n += 1) {
      const value = randomValue(random, 0);
      expect(stableJson(value)).toBe(referenceStableJson(value));
    }
  });

  it('sorts keys and leaves arrays in order', () => {
    expect(stableJson({ b: [2, 1], a: { d: null, c: undefined } })).toBe(
      '{"a":{"c":null,"d":null},"b":[2,1]}',
    );
  });

  it('keeps the hashes already stored', () => {
    // Made with the first version: a change here means every stored hash no longer matches.
    expect(stableHash({ FBillNo: 'CK1', FEntity: [{ FQty: 2 }] })).toBe('8e610bb0a55f2db05e004f0297c9f3f2');
    expect(
      contentHashOf({ order_no: 'CK1', modified: 'x', details_list: [{ goods_no: 'G', modified: 'y' }] }),
    ).toBe('cf2363269334969899783d7d99d3d4a0');
  });
});
