import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXTRACT_ERROR_CODES } from './errors.ts';

describe('extractor error codes', () => {
  it('are unique and each documented in the README with what a person does', () => {
    const codes = Object.values(EXTRACT_ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of codes) expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });
});
