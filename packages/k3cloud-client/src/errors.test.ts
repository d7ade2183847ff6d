import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { K3_ERROR_CODES, K3Error } from './errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = Object.keys(K3_ERROR_CODES);

describe('K3 error codes', () => {
  it('are unique, K3_-prefixed SCREAMING_SNAKE', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^K3_[A-Z0-9_]+$/);
  });

  it('are exactly the codes the README table lists', () => {
    const listed = [...readme.matchAll(/^\| `(K3_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...codes].sort());
  });

  it('default `retryable` from the table, overridable, with ambiguity in the context', () => {
    const error = new K3Error('K3_TIMEOUT', 'slow', { ambiguous: true });
    expect(error).toMatchObject({ code: 'K3_TIMEOUT', retryable: true, ambiguous: true });
    expect(error.toJSON()).toMatchObject({ context: { ambiguous: true } });
    expect(new K3Error('K3_HTTP_ERROR', '404', { retryable: false }).retryable).toBe(false);
    expect(new K3Error('K3_AUTH_FAILED', 'no').retryable).toBe(false);
  });
});
