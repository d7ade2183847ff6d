import { describe, expect, it } from 'vitest';
import { assertTokens, createTokenVerifier, parseTokenSpecs } from './tokens.ts';

const SECRET_A = `${'a'.repeat(31)}A`;
const SECRET_B = 'b'.repeat(40);

describe('parseTokenSpecs', () => {
  it('reads name:scope:token entries; the token may contain colons', () => {
    expect(parseTokenSpecs([`ops:full:${SECRET_A}`, `grafana:read:${SECRET_B}:x`])).toEqual([
      { name: 'ops', scope: 'full', token: SECRET_A },
      { name: 'grafana', scope: 'read', token: `${SECRET_B}:x` },
    ]);
  });

  it('lists every problem at once, naming entries by position and never quoting a token', () => {
    const short = 'short-secret-value';
    let message = '';
    try {
      parseTokenSpecs([`ops:full:${short}`, `ops:admin:${SECRET_A}`, 'no-colons', `x y:read:${SECRET_B}`]);
    } catch (err) {
      message = (err as Error).message;
      expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    }
    expect(message).toContain('entry 1: the token must be at least 32 characters');
    expect(message).toContain('entry 2: the scope must be full or read');
    expect(message).toContain('entry 3: expected name:full|read:token');
    expect(message).toContain('entry 4: the name must be');
    for (const secret of [short, SECRET_A, SECRET_B]) expect(message).not.toContain(secret);
  });

  it('refuses duplicate names and two names sharing one token', () => {
    expect(() => parseTokenSpecs([`ops:full:${SECRET_A}`, `ops:read:${SECRET_B}`])).toThrow(
      /"ops" is used twice/,
    );
    expect(() => parseTokenSpecs([`ops:full:${SECRET_A}`, `bi:read:${SECRET_A}`])).toThrow(/repeats another/);
  });

  it('refuses whitespace in a token and an empty token set given to the factory', () => {
    expect(() => parseTokenSpecs([`ops:full:${'x'.repeat(32)} y`])).toThrow(/printable ASCII/);
    expect(() => assertTokens([])).toThrow(/at least one admin token/);
    expect(() => assertTokens([{ name: 'ops', scope: 'full', token: 'too-short' }])).toThrow(/32 characters/);
  });
});

describe('createTokenVerifier', () => {
  const verify = createTokenVerifier([
    { name: 'ops', scope: 'full', token: SECRET_A },
    { name: 'grafana', scope: 'read', token: SECRET_B },
  ]);

  it('answers the principal of a matching token, never the token', () => {
    expect(verify(SECRET_A)).toEqual({ name: 'ops', scope: 'full' });
    expect(verify(SECRET_B)).toEqual({ name: 'grafana', scope: 'read' });
  });

  it('refuses a wrong token, a prefix of a right one, a longer one and the empty string', () => {
    expect(verify('nope')).toBeNull();
    expect(verify(SECRET_A.slice(0, -1))).toBeNull();
    expect(verify(`${SECRET_A}x`)).toBeNull();
    expect(verify('')).toBeNull();
  });

  it('with a name (HTTP Basic) needs the name of that very token', () => {
    expect(verify(SECRET_B, 'grafana')).toEqual({ name: 'grafana', scope: 'read' });
    expect(verify(SECRET_B, 'ops')).toBeNull();
    expect(verify(SECRET_A, '')).toBeNull();
  });
});
