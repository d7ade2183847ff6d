import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDIS_ERROR_CODES, REDIS_ERRORS } from './redis-errors.ts';

describe('Redis start-up codes', () => {
  it('each has a retryable flag, both explanations and an action, and a row in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(REDIS_ERROR_CODES.length).toBeGreaterThan(0);
    for (const code of REDIS_ERROR_CODES) {
      const entry = REDIS_ERRORS[code];
      expect(entry.en.length).toBeGreaterThan(20);
      expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(entry.action.length).toBeGreaterThan(10);
      expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
    }
  });
});
