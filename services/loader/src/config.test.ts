import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = { K3_BASE_URL: 'http://k3.example/k3cloud/', K3_ACCT_ID: 'a', K3_USERNAME: 'u' };

describe('loader config', () => {
  it('defaults to signature auth, batches of 50, linkMode required', () => {
    const config = loadConfig({ ...base, K3_APP_ID: 'id_x', K3_APP_SECRET: 's' });
    expect(config.k3.auth).toEqual({
      kind: 'signature',
      acctId: 'a',
      username: 'u',
      appId: 'id_x',
      appSecret: 's',
      lcid: 2052,
      orgNum: 0,
    });
    expect(config.loader).toMatchObject({
      concurrency: 100,
      batchSize: 50,
      batchWaitMs: 50,
      linkMode: 'required',
    });
  });

  it.each([
    [{ K3_AUTH_KIND: 'password' }, /K3_PASSWORD: required when K3_AUTH_KIND=password/],
    [{ K3_AUTH_KIND: 'appSecret', K3_APP_ID: 'id' }, /K3_APP_SECRET: required when K3_AUTH_KIND=appSecret/],
    [{ K3_AUTH_KIND: 'signature' }, /K3_APP_ID[\s\S]*K3_APP_SECRET/],
  ])('names the credentials an auth kind needs: %o', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('claims bill numbers by default, for longer than a check plus a save', () => {
    const app = { K3_APP_ID: 'id_x', K3_APP_SECRET: 's' };
    expect(loadConfig({ ...base, ...app }).loader).toMatchObject({ billClaims: true, claimTtlMs: 150_000 });
    expect(loadConfig({ ...base, ...app, K3_REQUEST_TIMEOUT_MS: '5000' }).loader.claimTtlMs).toBe(40_000);
    expect(loadConfig({ ...base, ...app, LOADER_BILL_CLAIMS: 'false' }).loader.billClaims).toBe(false);
    expect(() =>
      loadConfig({ ...base, ...app, K3_REQUEST_TIMEOUT_MS: '5000', LOADER_CLAIM_TTL_MS: '10000' }),
    ).toThrow(
      /LOADER_CLAIM_TTL_MS: must be longer than a check plus a save, 2 × K3_REQUEST_TIMEOUT_MS = 10000/,
    );
  });

  it('lists every problem of a bad environment at once', () => {
    expect(() =>
      loadConfig({ K3_BASE_URL: 'not a url', LOADER_BATCH_SIZE: '0', LOADER_LINK_MODE: 'maybe' }),
    ).toThrow(
      /(?=[\s\S]*K3_BASE_URL)(?=[\s\S]*K3_ACCT_ID)(?=[\s\S]*LOADER_BATCH_SIZE)(?=[\s\S]*LOADER_LINK_MODE)/,
    );
  });
});
