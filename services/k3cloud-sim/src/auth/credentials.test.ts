import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientSecretOf, kdHmac, loginSignMatches, timestampMs } from './credentials.ts';

// The reference's worked example again, against the simulator's own implementation.
const reference = {
  acctId: '65a1b2c3d4e5f6',
  username: 'apiuser',
  appId: '123456_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
  appSecret: '0123456789abcdef0123456789abcdef',
  password: '',
};

describe('simulator credential checks', () => {
  it('derives the client secret and signs like the reference example', () => {
    expect(clientSecretOf(reference.appId)).toBe('MTI2MGM1Pj9qPDk/OT04KHMiKnd0IXMr');
    expect(kdHmac(reference.appSecret, `${reference.appId}65a1b2c3d4e5f6,apiuser,2052,0`)).toBe(
      'ZGM1YTk5NjJhNzNlN2U5NTliNGMxZTQwN2MxZmZiNjNkMThlNWIxNTY1MjVkZTdiYmY1NzA4NGIxZGMxYmVlMA==',
    );
    expect(clientSecretOf('123456_short')).toBe('');
  });

  it('accepts the LoginBySign sign in SHA-256 and the older SHA-1 form, nothing else', () => {
    expect(
      loginSignMatches(
        reference,
        '1700000000',
        'ed028abe2f43ed2f4b67640ed7e64eaa4dc35d0a3ec41f013620a9f0b4a84f70',
      ),
    ).toBe(true);
    expect(
      loginSignMatches(
        reference,
        '1700000001',
        'ed028abe2f43ed2f4b67640ed7e64eaa4dc35d0a3ec41f013620a9f0b4a84f70',
      ),
    ).toBe(false);
    // Sorted order per the reference: appSecret, appId, timestamp, acctId, username.
    const sorted = `${reference.appSecret}${reference.appId}1700000000${reference.acctId}${reference.username}`;
    expect(loginSignMatches(reference, '1700000000', createHash('sha1').update(sorted).digest('hex'))).toBe(
      true,
    );
    expect(loginSignMatches(reference, '1700000000', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(false);
  });

  it('reads seconds and milliseconds timestamps', () => {
    expect(timestampMs('1700000000')).toBe(1_700_000_000_000);
    expect(timestampMs('1700000000123')).toBe(1_700_000_000_123);
    expect(timestampMs('soon')).toBeNaN();
  });
});
