import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERROR_CODES, ADMIN_ERRORS } from './errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('README lists exactly the codes errors.ts defines, each with its status', () => {
    const table = [...readme.matchAll(/^\| `(ADMIN_[A-Z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [
      code,
      Number(status),
    ]);
    expect(Object.fromEntries(table)).toEqual(
      Object.fromEntries(ADMIN_ERROR_CODES.map((code) => [code, ADMIN_ERRORS[code].status])),
    );
  });
});
