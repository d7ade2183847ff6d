import { type EventType, type OrderEvent, parseEvent } from '@wdt-k3/jobs';
import { describe, expect, it } from 'vitest';
import { applyEvent, type OrderRow } from './fold.ts';

const at = Date.UTC(2026, 10, 30, 2);
const event = (type: EventType, data: Record<string, unknown>): OrderEvent =>
  parseEvent(type, { orderKey: 'so-1', at, ...data } as never);

const extracted = event('order.extracted', {
  stockoutId: '1',
  orderNo: 'CK1',
  stockoutNo: 'CK1',
  srcTradeNo: 'T1',
  logisticsNo: 'SF1',
  shopNo: 'tmall01',
  warehouseNo: 'WH01',
  consignTime: '2026-11-30 10:00:00',
  wdtStatus: 95,
  contentHash: 'c1',
  runId: 'inc-1',
  runKind: 'incremental',
});
const bill = { FBillNo: 'CK1', FNote: '', FEntity: [{ FMaterialID: { FNumber: 'G1' }, FRealQty: 2 }] };
const saved = (already: boolean, billHash: string, extra: Record<string, unknown> = {}) =>
  event('order.saved', {
    jobId: 'so-1',
    billNo: 'CK1',
    fid: '100',
    already,
    billHash,
    bill,
    contentHash: 'c1',
    ...extra,
  });

function fold(events: ReadonlyArray<[string, OrderEvent]>, start: OrderRow | null = null): OrderRow {
  let row = start;
  for (const [id, e] of events) row = applyEvent(row, e, id);
  return row as OrderRow;
}

describe('applyEvent', () => {
  it('follows an order from extraction through a failed attempt to saved', () => {
    const row = fold([
      ['1-0', extracted],
      [
        '2-0',
        event('order.attempt_failed', {
          jobId: 'so-1',
          attempt: 1,
          code: 'K3_TIMEOUT',
          retryable: true,
          message: 'slow',
        }),
      ],
      ['3-0', saved(false, 'h1')],
    ]);
    expect(row).toMatchObject({
      state: 'saved',
      orderNo: 'CK1',
      srcTradeNo: 'T1',
      consignTime: Date.UTC(2026, 10, 30, 2),
      attempts: 1,
      billNo: 'CK1',
      k3Fid: '100',
      billHash: 'h1',
      lastCode: null,
    });
  });

  it('ignores a redelivered event but still fills identity fields from it', () => {
    const row = fold([['5-0', saved(false, 'h1')]]);
    const again = applyEvent(row, extracted, '4-0');
    expect(again.state).toBe('saved');
    expect(again.orderNo).toBe('CK1');
    expect(again.lastEventId).toBe('5-0');
    expect(applyEvent(again, saved(false, 'h1'), '5-0')).toEqual(again);
  });

  it('records a change after save with the differing fields, and not a re-read of the same bill', () => {
    const first = fold([
      ['1-0', extracted],
      ['2-0', saved(false, 'h1')],
    ]);
    expect(applyEvent(first, saved(true, 'h1'), '3-0').state).toBe('saved');
    const changed = applyEvent(
      first,
      saved(true, 'h2', { bill: { ...bill, FNote: '改地址' }, contentHash: 'c2' }),
      '3-0',
    );
    expect(changed.state).toBe('changed');
    expect(changed.changedFields).toEqual([{ field: 'FNote', saved: '', now: '改地址' }]);
  });

  it('does not call the unedited original of an edited replay a change', () => {
    const replayed = fold([
      ['1-0', extracted],
      [
        '2-0',
        event('order.dead_lettered', {
          jobId: 'so-1',
          deadLetterId: 'so-1',
          code: 'MAP_INVALID_QUANTITY',
          message: 'qty 0',
          attempts: 1,
        }),
      ],
      ['3-0', event('order.replayed', { deadLetterId: 'so-1', jobId: 'so-1-r1', by: 'ops', edited: true })],
      ['4-0', saved(false, 'h-edited', { editedFrom: 'c1', contentHash: 'c-edited' })],
    ]);
    expect(replayed.state).toBe('saved');
    const original = applyEvent(
      replayed,
      saved(true, null as never, { bill: null, contentHash: 'c1' }),
      '5-0',
    );
    expect(original.state).toBe('saved');
  });

  it('moves dead → pending on a replay, to discarded and back', () => {
    const dead = fold([
      ['1-0', extracted],
      [
        '2-0',
        event('order.dead_lettered', {
          jobId: 'so-1',
          deadLetterId: 'so-1',
          code: 'K3_BASEDATA_MISSING',
          message: 'material G9',
          attempts: 1,
          blocking: [{ kind: 'material', number: 'G9' }],
        }),
      ],
    ]);
    expect(dead).toMatchObject({
      state: 'dead',
      lastCode: 'K3_BASEDATA_MISSING',
      blocking: [{ kind: 'material', number: 'G9' }],
    });
    const discarded = applyEvent(
      dead,
      event('order.discarded', { deadLetterId: 'so-1', by: 'ops', reason: 'test order' }),
      '3-0',
    );
    expect(discarded).toMatchObject({ state: 'discarded', discardedBy: 'ops', discardReason: 'test order' });
    expect(applyEvent(discarded, event('order.undiscarded', { by: 'ops' }), '4-0').state).toBe('pending');
    expect(
      applyEvent(
        dead,
        event('order.replayed', { deadLetterId: 'so-1', jobId: 'so-1-r1', by: 'ops', edited: false }),
        '3-0',
      ).state,
    ).toBe('pending');
  });
});
