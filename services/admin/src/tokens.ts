import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@wdt-k3/runtime';

const TOKEN_SCOPES = ['full', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A named API token. The name goes to the audit trail; the token itself never leaves this module's callers. */
export interface AdminToken {
  readonly name: string;
  readonly scope: TokenScope;
  readonly token: string;
}

/** Who made a request: the token's name and scope (never the token). */
export interface Principal {
  readonly name: string;
  readonly scope: TokenScope;
}

const MIN_TOKEN_LENGTH = 32;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
// No commas (ADMIN_TOKENS is a comma list) and no whitespace or control characters (headers).
const TOKEN_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * Parses `name:full|read:token` entries (ADMIN_TOKENS). Problems name the entry by position and
 * never quote it: an entry is mostly secret.
 */
export function parseTokenSpecs(entries: readonly string[]): AdminToken[] {
  const problems: string[] = [];
  const tokens: AdminToken[] = [];
  entries.forEach((entry, index) => {
    const first = entry.indexOf(':');
    const second = entry.indexOf(':', first + 1);
    const name = entry.slice(0, Math.max(first, 0));
    const scope = entry.slice(first + 1, Math.max(second, 0));
    const token = entry.slice(second + 1);
    const where = `ADMIN_TOKENS entry ${index + 1}`;
    if (first < 0 || second < 0) {
      problems.push(`${where}: expected name:full|read:token`);
      return;
    }
    const entryProblems = checkToken(name, scope, token).map((problem) => `${where}: ${problem}`);
    problems.push(...entryProblems);
    if (entryProblems.length === 0) tokens.push({ name, scope: scope as TokenScope, token });
  });
  problems.push(...checkUnique(tokens));
  if (problems.length > 0) throw new ConfigError(problems, 'admin tokens');
  return tokens;
}

function checkToken(name: string, scope: string, token: string): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(name)) problems.push('the name must be 1-64 letters, digits, ".", "_" or "-"');
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) problems.push('the scope must be full or read');
  if (token.length < MIN_TOKEN_LENGTH)
    problems.push(`the token must be at least ${MIN_TOKEN_LENGTH} characters`);
  else if (!TOKEN_PATTERN.test(token))
    problems.push('the token may hold printable ASCII only, without spaces or commas');
  return problems;
}

function checkUnique(tokens: readonly AdminToken[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name)) problems.push(`token name "${token.name}" is used twice`);
    // Two names sharing one token would make the audit trail name the wrong person.
    if (secrets.has(token.token)) problems.push(`token "${token.name}" repeats another entry's token`);
    names.add(token.name);
    secrets.add(token.token);
  }
  return problems;
}

/** Checks a token set handed to the factory directly (tests, other wiring) like the config does. */
export function assertTokens(tokens: readonly AdminToken[]): void {
  if (tokens.length === 0) throw new ConfigError(['at least one admin token is required'], 'admin tokens');
  parseTokenSpecs(tokens.map((token) => `${token.name}:${token.scope}:${token.token}`));
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export type TokenVerifier = (presented: string, name?: string) => Principal | null;

/**
 * Constant-time token check. Both sides are hashed first, so timingSafeEqual always compares 32
 * bytes and the length of a configured token does not leak; every configured token is compared
 * (no early exit), so the time does not tell which entry matched or how many there are before it.
 * With `name` (HTTP Basic) the name must match too, compared the same way.
 */
export function createTokenVerifier(tokens: readonly AdminToken[]): TokenVerifier {
  const hashed = tokens.map((token) => ({
    principal: { name: token.name, scope: token.scope } satisfies Principal,
    tokenHash: digest(token.token),
    nameHash: digest(token.name),
  }));
  return (presented, name) => {
    const presentedHash = digest(presented);
    const nameHash = digest(name ?? '');
    let match: Principal | null = null;
    for (const entry of hashed) {
      const tokenOk = timingSafeEqual(entry.tokenHash, presentedHash);
      const nameOk = timingSafeEqual(entry.nameHash, nameHash);
      if (tokenOk && (name === undefined || nameOk)) match = entry.principal;
    }
    return match;
  };
}
