import { K3_ERROR_CODES } from '@wdt-k3/k3cloud-client';
import { MAP_ISSUE_CODES } from '@wdt-k3/mapping';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_CODES, describeCode, isDeadLetterCode, languageOf } from './dead-letter-codes.ts';
import { JOB_ERROR_CODES } from './errors.ts';
import { ORDER_ERROR_CODES } from './order-codes.ts';

const HAN = /\p{Script=Han}/u;

describe('the dead-letter code catalogue', () => {
  it('is the union of the four source catalogues, each code once', () => {
    const sources = [
      ...Object.values(MAP_ISSUE_CODES),
      ...Object.keys(K3_ERROR_CODES),
      ...Object.values(ORDER_ERROR_CODES),
      ...Object.values(JOB_ERROR_CODES),
    ];
    expect(new Set(sources).size).toBe(sources.length);
    expect([...DEAD_LETTER_CODES].sort()).toEqual([...sources].sort());
    for (const code of sources) expect(isDeadLetterCode(code), code).toBe(true);
  });

  it.each(DEAD_LETTER_CODES)('%s says what it means and what to do, in Chinese and in English', (code) => {
    const zh = describeCode(code, 'zh-CN');
    const en = describeCode(code, 'en');
    for (const text of [zh, en]) {
      expect(text.known).toBe(true);
      expect(text.code).toBe(code);
      for (const part of [text.title, text.meaning, text.action])
        expect(part.trim().length).toBeGreaterThan(2);
    }
    for (const part of [zh.title, zh.meaning, zh.action]) expect(part).toMatch(HAN);
    for (const part of [en.title, en.meaning, en.action]) expect(part).not.toMatch(HAN);
    expect(zh.healsBySelf).toBe(en.healsBySelf);
  });

  it('answers a code outside it as unknown instead of failing, in the language asked', () => {
    expect(isDeadLetterCode('UNKNOWN')).toBe(false);
    expect(isDeadLetterCode('toString')).toBe(false);
    expect(describeCode('SOMETHING_OLD')).toMatchObject({
      code: 'SOMETHING_OLD',
      known: false,
      title: 'SOMETHING_OLD',
    });
    expect(describeCode('SOMETHING_OLD').meaning).toMatch(HAN);
    expect(describeCode('SOMETHING_OLD', 'en').meaning).not.toMatch(HAN);
  });

  it('marks as healing by itself exactly the codes that are retried or swept, not those a person must fix', () => {
    expect(describeCode(ORDER_ERROR_CODES.sourceOrderNotFound).healsBySelf).toBe(true);
    expect(describeCode(ORDER_ERROR_CODES.baseDataMissing).healsBySelf).toBe(false);
    expect(describeCode(MAP_ISSUE_CODES.MISSING_CUSTOMER).healsBySelf).toBe(false);
    for (const [code, { retryable }] of Object.entries(K3_ERROR_CODES)) {
      if (!retryable) expect(describeCode(code).healsBySelf, code).toBe(false);
    }
  });

  it('reads a language setting: English when asked for, Chinese otherwise', () => {
    expect(languageOf('en')).toBe('en');
    expect(languageOf('en-US')).toBe('en');
    expect(languageOf(' English')).toBe('en');
    expect(languageOf('zh-CN')).toBe('zh-CN');
    expect(languageOf(undefined)).toBe('zh-CN');
    expect(languageOf('fr')).toBe('zh-CN');
  });
});
