import { describe, expect, it } from 'vitest';
import {
  batchSaveData,
  classifyBillOutcome,
  isDuplicateBillNumberMessage,
  toBatchSaveResult,
} from './batch-save.ts';
import { K3Error } from './errors.ts';

const DUPLICATE = '违反字段唯一性要求：编码唯一。[CK2]在当前系统中已经被使用。';
const models = [{ FBillNo: 'CK1' }, { fbillno: 'CK2' }, { FBillNo: 'CK3' }, { FBillNo: 'CK4' }];

describe('toBatchSaveResult (recorded response shapes, reference §5)', () => {
  it('maps saved, duplicate, failed and unreported bills by DIndex', () => {
    const body = {
      Result: {
        ResponseStatus: {
          ErrorCode: 500,
          IsSuccess: false,
          Errors: [
            { FieldName: 'FBillNo', Message: DUPLICATE, DIndex: 1 },
            { FieldName: 'FCustomerID', Message: '字段“客户”是必填项', DIndex: 2 },
            {
              FieldName: 'FStockID',
              Message: '单据体实体【明细信息】第【1】行分录，【仓库】字段必录',
              DIndex: 2,
            },
          ],
          SuccessEntitys: [{ Id: 140670, Number: 'CK1', DIndex: 0 }],
          SuccessMessages: [],
          MsgCode: 11,
        },
      },
    };
    const { bills } = toBatchSaveResult(body, models);
    expect(bills).toEqual([
      { index: 0, status: 'saved', id: 140670, number: 'CK1' },
      { index: 1, status: 'duplicate', number: 'CK2', message: DUPLICATE },
      {
        index: 2,
        status: 'failed',
        msgCode: 11,
        errors: [
          { field: 'FCustomerID', message: '字段“客户”是必填项' },
          { field: 'FStockID', message: '单据体实体【明细信息】第【1】行分录，【仓库】字段必录' },
        ],
      },
      { index: 3, status: 'failed', msgCode: 11, errors: [] },
    ]);
    expect(bills.map(classifyBillOutcome)).toEqual(['saved', 'already-saved', 'invalid', 'unknown']);
  });

  it('treats a uniqueness clash on another field as a failure, and an unnamed one on the sent number as duplicate', () => {
    const status = (FieldName: string) => ({
      Result: {
        ResponseStatus: {
          IsSuccess: 'false',
          MsgCode: '11',
          Errors: [{ FieldName, Message: DUPLICATE.replace('CK2', 'CK1'), DIndex: 0 }],
          SuccessEntitys: [],
        },
      },
    });
    expect(toBatchSaveResult(status('F_PlatformOrderNo'), [models[0] as object]).bills[0]?.status).toBe(
      'failed',
    );
    expect(toBatchSaveResult(status(''), [models[0] as object]).bills[0]).toMatchObject({
      status: 'duplicate',
      number: 'CK1',
    });
  });

  it('throws for whole-call refusals and bodies without a status', () => {
    const refused = {
      Result: {
        ResponseStatus: { IsSuccess: false, MsgCode: 2, Errors: [{ Message: '没有权限', DIndex: 0 }] },
      },
    };
    expect(() => toBatchSaveResult(refused, models)).toThrow(
      expect.objectContaining({ code: 'K3_REJECTED', retryable: false }),
    );
    expect(() => toBatchSaveResult({ unexpected: true }, models)).toThrow(K3Error);
  });

  it('classifies transient failures (MsgCode 6 database, 13 network control)', () => {
    expect(
      classifyBillOutcome({
        index: 0,
        status: 'failed',
        msgCode: 13,
        errors: [{ field: null, message: '网控冲突' }],
      }),
    ).toBe('transient');
  });
});

describe('batchSaveData', () => {
  it('sends only the options set, under K3 names, and Model as an array', () => {
    expect(
      batchSaveData([{ FBillNo: 'X' }], {
        needReturnFields: ['FBillNo'],
        isVerifyBaseDataField: true,
        batchCount: 2,
      }),
    ).toEqual({
      NeedReturnFields: ['FBillNo'],
      IsVerifyBaseDataField: true,
      BatchCount: 2,
      Model: [{ FBillNo: 'X' }],
    });
  });

  it('reads a used number by FBillNo and MsgCode 11 in any language, and nothing else as one', () => {
    const answer = (msgCode: number, field: string, message: string) => ({
      Result: {
        ResponseStatus: {
          IsSuccess: false,
          MsgCode: msgCode,
          Errors: [{ FieldName: field, Message: message, DIndex: 0 }],
          SuccessEntitys: [],
        },
      },
    });
    const english = 'Field uniqueness requirement violated: unique code. [X1] is already in use.';
    expect(toBatchSaveResult(answer(11, 'FBillNo', english), [{ FBillNo: 'X1' }]).bills[0]).toMatchObject({
      status: 'duplicate',
      number: 'X1',
    });
    // Another error on FBillNo (not a validation refusal) is an ordinary failure.
    expect(toBatchSaveResult(answer(0, 'FBillNo', 'too long'), [{ FBillNo: 'X1' }]).bills[0]?.status).toBe(
      'failed',
    );
    // No number was sent: nothing to be "already saved".
    expect(toBatchSaveResult(answer(11, 'FBillNo', english), [{ FBillNo: '' }]).bills[0]?.status).toBe(
      'failed',
    );
    // Without a field name only the Chinese words naming the number sent count.
    expect(toBatchSaveResult(answer(11, '', english), [{ FBillNo: 'X1' }]).bills[0]?.status).toBe('failed');
    expect(toBatchSaveResult(answer(11, '', DUPLICATE), [{ FBillNo: 'CK2' }]).bills[0]?.status).toBe(
      'duplicate',
    );
  });

  it('recognises the duplicate-number message by its fixed parts', () => {
    expect(isDuplicateBillNumberMessage(DUPLICATE)).toBe(true);
    expect(isDuplicateBillNumberMessage('字段“客户”是必填项')).toBe(false);
  });
});
