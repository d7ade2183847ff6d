import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { decodeFailureReason, failureError, formatFailureReason, readFailureReason } from './failure.ts';

const refusal = {
  code: 'K3_BASEDATA_MISSING',
  message: 'customer: does not exist',
  retryable: false,
  msgCode: 3,
  fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
};

describe('a failure as data', () => {
  it('travels through the error message as a document, and comes back whole', () => {
    const error = failureError(refusal);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(readFailureReason(error.message)).toEqual(refusal);
    expect(failureError({ ...refusal, retryable: true })).not.toBeInstanceOf(UnrecoverableError);
  });

  it('reads text that is not the document as LOADER_UNEXPECTED, guessing no code out of it', () => {
    for (const reason of [
      'K3_BASEDATA_MISSING: customer',
      'job stalled more than allowable limit',
      undefined,
    ])
      expect(readFailureReason(reason)).toEqual({
        code: 'LOADER_UNEXPECTED',
        message: reason ?? 'failed',
        retryable: false,
        msgCode: null,
        fieldErrors: [],
      });
    expect(decodeFailureReason('{"code":"X"}')).toBeNull();
  });

  it('holds a code outside the catalogue (another version wrote it) to LOADER_UNEXPECTED, keeping it in the text', () => {
    const reason = formatFailureReason({ ...refusal, code: 'K3_FROM_THE_FUTURE' });
    expect(readFailureReason(reason)).toMatchObject({
      code: 'LOADER_UNEXPECTED',
      message: 'K3_FROM_THE_FUTURE: customer: does not exist',
      msgCode: 3,
    });
  });
});
