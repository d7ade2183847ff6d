import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_ERROR_CODES, AlertError } from './errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('alert error codes', () => {
  it('are exactly the codes the README table lists', () => {
    const listed = [...readme.matchAll(/^\| `(ALERT_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...ALERT_ERROR_CODES].sort());
  });

  it('carry their retryable flag', () => {
    expect(new AlertError('ALERT_CHANNEL_THROTTLED', 'x')).toMatchObject({ retryable: true });
    expect(new AlertError('ALERT_CHANNEL_AUTH', 'x')).toMatchObject({ retryable: false });
  });
});
