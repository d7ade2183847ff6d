import { describe, expect, it } from 'vitest';
import { parseHttpResponse } from './response.ts';

const res = (status: number, body: string) => ({ status, headers: {}, body });
const parse = (status: number, body: string, kind: 'read' | 'write' = 'write') => {
  try {
    return parseHttpResponse(res(status, body), 'BatchSave', kind);
  } catch (err) {
    return err;
  }
};

describe('parseHttpResponse', () => {
  it('returns JSON for 200 and 206', () => {
    expect(parse(200, '[[1]]')).toEqual([[1]]);
    expect(parse(206, '{"a":1}')).toEqual({ a: 1 });
  });

  it.each([
    [
      519,
      '{"errcode":4006,"description":"X-Api-TimeStamp is invalid[GW]"}',
      { code: 'K3_AUTH_FAILED', retryable: false, httpStatus: 519 },
    ],
    [
      519,
      '{"errcode":5001,"description":"API not found[GW]"}',
      { code: 'K3_GATEWAY_ERROR', retryable: false },
    ],
    [519, '{"errcode":5002,"description":"busy"}', { code: 'K3_GATEWAY_ERROR', retryable: true }],
    [
      401,
      '{"errcode":4002,"description":"Unauthorized, APP_ID is empty or unknown[GW]"}',
      { code: 'K3_AUTH_FAILED', retryable: false, httpStatus: 401 },
    ],
    [
      503,
      'Service Unavailable',
      { code: 'K3_HTTP_ERROR', retryable: true, ambiguous: true, httpStatus: 503 },
    ],
    [404, 'not found', { code: 'K3_HTTP_ERROR', retryable: false, ambiguous: false }],
    [500, 'Fail to verify thirty passport', { code: 'K3_AUTH_FAILED', retryable: false }],
    [
      200,
      'response_error:{"Message":"boom","InnerExWrapper":null}',
      { code: 'K3_SERVER_EXCEPTION', message: 'K3 server exception: boom', ambiguous: true },
    ],
    [
      200,
      'response_error:',
      { code: 'K3_SERVER_EXCEPTION', message: 'K3 server exception: empty exception message' },
    ],
    [200, '<html>proxy</html>', { code: 'K3_BAD_RESPONSE', ambiguous: true }],
  ])('HTTP %d %s', (status, body, expected) => {
    expect(parse(status, body)).toMatchObject(expected);
  });

  it('never flags a read as ambiguous', () => {
    expect(parse(503, 'x', 'read')).toMatchObject({ ambiguous: false });
  });
});
