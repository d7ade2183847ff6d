import { describe, expect, it } from 'vitest';
import { keySlot } from './key-slot.ts';

describe('keySlot', () => {
  it('matches the cluster spec examples and hashes only the {tag}', () => {
    // "123456789" → CRC16/XMODEM 0x31C3 (the spec's check value) → 12739.
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{wdtk3}:orders:so-1')).toBe(keySlot('wdtk3'));
    // An empty tag or an unclosed brace: the whole key is hashed.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('{wdtk3')).not.toBe(keySlot('wdtk3'));
  });
});
