import { describe, expect, it } from 'vitest';
import { describeApiError } from './error-text.ts';
import { ApiError } from './errors.ts';
import { createOutput, createStyle } from './output.ts';

const sink = () => {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text) };
};

describe('createOutput', () => {
  it('blanks every secret it was given, on stdout and stderr alike', () => {
    const stdout = sink();
    const stderr = sink();
    const out = createOutput(stdout, stderr, createStyle(false), ['s3cret-token', '', 'a']);
    out.line('Bearer s3cret-token was here');
    out.json({ echoed: 's3cret-token' });
    out.error(['s3cret-token', 'twice s3cret-token s3cret-token']);
    // A one-letter "token" is no secret worth blanking every `a` for.
    expect(stdout.chunks.join('')).toBe('Bearer [redacted] was here\n{\n  "echoed": "[redacted]"\n}\n');
    expect(stderr.chunks.join('')).toBe('[redacted]\ntwice [redacted] [redacted]\n');
  });

  it('styles with SGR codes only when colour is on', () => {
    expect(createStyle(false).bold('x')).toBe('x');
    expect(createStyle(true).bold('x')).toBe('\x1b[1mx\x1b[22m');
  });
});

describe('describeApiError', () => {
  it('prints code, message and status, each issue on a line, other details by key, and the next step', () => {
    const err = new ApiError(
      422,
      'ADMIN_VALIDATION_FAILED',
      'the edited order fails validation; nothing was replayed',
      {
        issues: [
          { code: 'MAP_INVALID_PRICE', path: 'details_list.0.sell_price', message: 'must not be negative' },
          { in: 'body', path: 'to', message: 'to must be after from' },
          'a bare problem',
        ],
        fields: ['order_no', 'stockout_id'],
        nested: { a: 1 },
      },
      {},
    );
    expect(describeApiError(err)).toEqual([
      'ADMIN_VALIDATION_FAILED: the edited order fails validation; nothing was replayed (HTTP 422)',
      '  - details_list.0.sell_price: must not be negative [MAP_INVALID_PRICE]',
      '  - body to: to must be after from',
      '  - a bare problem',
      '  fields: order_no, stockout_id',
      '  nested: {"a":1}',
      'Edit the order (failed show <id> --order > order.json) and replay with --order-file order.json, or --force an unedited one.',
    ]);
  });

  it('prints an error without details or a known next step as one line', () => {
    expect(describeApiError(new ApiError(500, 'ADMIN_INTERNAL', 'boom', undefined, {}))).toEqual([
      'ADMIN_INTERNAL: boom (HTTP 500)',
    ]);
  });
});
