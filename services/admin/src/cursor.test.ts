import { describe, expect, it } from 'vitest';
import { compareKeys, decodeCursor, encodeCursor } from './cursor.ts';

describe('cursor', () => {
  it('round-trips a sort key through an opaque url-safe string', () => {
    const cursor = encodeCursor({ failedAt: 1_710_000_000_123, id: 'so-700611-r2' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ failedAt: 1_710_000_000_123, id: 'so-700611-r2' });
  });

  it('answers null for anything it did not write', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '',
      'not base64!',
      encode({ failedAt: 1, id: 'a' }),
      encode([1.5, 'a']),
      encode([-1, 'a']),
      encode([1, '']),
      encode([1, 2]),
      Buffer.from('{').toString('base64url'),
      'x'.repeat(401),
    ]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });

  it('orders by failedAt, then id', () => {
    expect(compareKeys({ failedAt: 1, id: 'b' }, { failedAt: 2, id: 'a' })).toBeLessThan(0);
    expect(compareKeys({ failedAt: 2, id: 'a' }, { failedAt: 2, id: 'b' })).toBeLessThan(0);
    expect(compareKeys({ failedAt: 2, id: 'b' }, { failedAt: 2, id: 'b' })).toBe(0);
    expect(compareKeys({ failedAt: 3, id: 'a' }, { failedAt: 2, id: 'z' })).toBeGreaterThan(0);
  });
});
