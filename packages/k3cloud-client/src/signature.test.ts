import { describe, expect, it } from 'vitest';
import { apiStringToSign, buildSignatureHeaders, decodeClientSecret, loginBySignSign } from './signature.ts';

// The worked example of the protocol reference §2.2, cross-checked there against the helper
// functions of Kingdee's official Python SDK 8.2.0.
const example = {
  acctId: '65a1b2c3d4e5f6',
  username: 'apiuser',
  appId: '123456_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
  appSecret: '0123456789abcdef0123456789abcdef',
  lcid: 2052,
  orgNum: 0,
};
const path = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.BatchSave.common.kdsvc';

describe('signature headers: the reference worked example', () => {
  it('derives the client secret from the appId', () => {
    expect(decodeClientSecret(example.appId)).toBe('MTI2MGM1Pj9qPDk/OT04KHMiKnd0IXMr');
  });

  it('builds the string to sign with nonce before timestamp and an empty line', () => {
    expect(apiStringToSign(path, '1700000000', '1700000000')).toBe(
      'POST\n%2Fk3cloud%2FKingdee.BOS.WebApi.ServicesStub.DynamicFormService.BatchSave.common.kdsvc\n\nx-api-nonce:1700000000\nx-api-timestamp:1700000000\n',
    );
  });

  it('produces all nine headers exactly', () => {
    expect(buildSignatureHeaders(example, { path, timestamp: '1700000000' })).toEqual({
      'X-Api-ClientID': '123456',
      'X-Api-Auth-Version': '2.0',
      'x-api-timestamp': '1700000000',
      'x-api-nonce': '1700000000',
      'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
      'X-Api-Signature':
        'MWJkNDRhM2Q2Y2QyYzUyNDY0N2ZlMGE4MmMyODE3YzA3YjBmZWZmY2RmMTE0OWZkNGFhZjA5ZDI0M2EzNzY5Mg==',
      'X-Kd-Appkey': example.appId,
      'X-Kd-Appdata': 'NjVhMWIyYzNkNGU1ZjYsYXBpdXNlciwyMDUyLDA=',
      'X-Kd-Signature':
        'ZGM1YTk5NjJhNzNlN2U5NTliNGMxZTQwN2MxZmZiNjNkMThlNWIxNTY1MjVkZTdiYmY1NzA4NGIxZGMxYmVlMA==',
    });
  });

  it('computes the LoginBySign sign over the sorted five strings', () => {
    expect(
      loginBySignSign(example.acctId, example.username, example.appId, example.appSecret, '1700000000'),
    ).toBe('ed028abe2f43ed2f4b67640ed7e64eaa4dc35d0a3ec41f013620a9f0b4a84f70');
  });

  it('yields no client id and no client secret for an appId without one underscore', () => {
    expect(decodeClientSecret('no-underscore')).toBe('');
    expect(decodeClientSecret('a_b_c')).toBe('');
    expect(
      buildSignatureHeaders({ ...example, appId: 'x' }, { path, timestamp: '1' })['X-Api-ClientID'],
    ).toBe('');
  });
});
