import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startProcess, useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = (service: string): string =>
  fileURLToPath(new URL(`../../${service}/src/main.ts`, import.meta.url));

/** What each service needs to get past its configuration, but for the setting under test. */
const GOOD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  extractor: { WDT_APP_KEY: 'k', WDT_APP_SECRET: 's', WDT_SID: 'sid', OPS_PORT: '0' },
  loader: {
    K3_BASE_URL: 'http://127.0.0.1:1/k3cloud/',
    K3_ACCT_ID: 'a',
    K3_USERNAME: 'u',
    K3_APP_ID: 'i',
    K3_APP_SECRET: 'x',
    OPS_PORT: '0',
  },
  admin: { ADMIN_TOKENS: `ops:full:${'t'.repeat(40)}`, ADMIN_PORT: '0' },
  ledger: { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', OPS_PORT: '0' },
  'wdt-sim': { WDT_SIM_PORT: '0' },
  'k3cloud-sim': { K3_SIM_PORT: '0' },
};

interface Case {
  readonly service: keyof typeof GOOD;
  readonly env: Readonly<Record<string, string>>;
  /** The one problem line, by the variable it names. */
  readonly problem: RegExp;
}

/**
 * Runs a service with one bad setting: it must exit 1 with one JSON line per problem naming the
 * variable, no stack trace, and nothing else — in particular no job taken (it never got that far).
 */
async function refuses(testCase: Case, redisUrl: string): Promise<void> {
  const child = startProcess(process.execPath, [main(testCase.service)], {
    name: `${testCase.service}-bad-settings`,
    env: { REDIS_URL: redisUrl, LOG_LEVEL: 'info', ...GOOD[testCase.service], ...testCase.env },
  });
  const exit = await child.exited;
  const shown = child.lines.join('\n');
  expect(exit.code, shown).toBe(1);
  expect(shown).not.toMatch(/^\s+at /m);
  const fatal = child.lines
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${testCase.service}: a line that is not JSON: ${line}`);
      }
    })
    .filter((line) => line.level === 'fatal');
  expect(fatal.length, shown).toBeGreaterThanOrEqual(1);
  for (const line of fatal) expect(line.code).toBe('CONFIG_INVALID');
  expect(fatal.map((line) => String(line.problem)).join('\n')).toMatch(testCase.problem);
}

describe('every service refuses a bad setting with one line naming it, and exits 1', () => {
  const redis = useRedisServer();
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    busyPort = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => new Promise<void>((resolve) => busy.close(() => resolve())));

  const cases: Case[] = [
    {
      service: 'loader',
      env: { K3_BASE_URL: 'ftp://erp.example.com/k3cloud/' },
      problem: /^K3_BASE_URL: an http/m,
    },
    {
      service: 'loader',
      env: { LOADER_CONCURRENCY: '1e20' },
      problem: /^LOADER_CONCURRENCY: expected a whole number/m,
    },
    { service: 'loader', env: { LOADER_CONCURRENCY: '100000' }, problem: /^LOADER_CONCURRENCY: Too big/m },
    {
      service: 'loader',
      env: { LOADER_BATCH_WAIT_MS: '99999999999' },
      problem: /^LOADER_BATCH_WAIT_MS: Too big/m,
    },
    { service: 'loader', env: { K3_LCID: '9999' }, problem: /^K3_LCID: one of 2052, 1033, 3076/m },
    { service: 'loader', env: { OPS_PORT: '99999' }, problem: /^OPS_PORT: a port from 0 to 65535/m },
    { service: 'loader', env: { OPS_HOST: 'not a host!' }, problem: /^OPS_HOST: an IP address/m },
    { service: 'extractor', env: { WDT_BASE_URL: 'ftp://x/router/qm' }, problem: /^WDT_BASE_URL: an http/m },
    {
      service: 'extractor',
      env: { WDT_REQUEST_TIMEOUT_MS: '1e3' },
      problem: /^WDT_REQUEST_TIMEOUT_MS: expected a whole/m,
    },
    { service: 'extractor', env: { WDT_SID: '' }, problem: /^WDT_SID:/m },
    { service: 'admin', env: { ADMIN_PORT: '70000' }, problem: /^ADMIN_PORT: a port from 0 to 65535/m },
    {
      service: 'admin',
      env: { K3_BASE_URL: 'http://erp/k3cloud/', WDT_APP_KEY: 'k' },
      problem: /^WDT_APP_SECRET: required once any WDT setting is given/m,
    },
    { service: 'ledger', env: { LEDGER_BATCH_SIZE: '0' }, problem: /^LEDGER_BATCH_SIZE: Too small/m },
    {
      service: 'wdt-sim',
      env: { WDT_SIM_PAGE_SIZE_MAX: '99999999' },
      problem: /^WDT_SIM_PAGE_SIZE_MAX: Too big/m,
    },
    { service: 'k3cloud-sim', env: { K3_SIM_HOST: 'bad host' }, problem: /^K3_SIM_HOST: an IP address/m },
  ];

  it.each(cases)('$service with $env', async (testCase) => refuses(testCase, redis().url));

  it.each(['loader', 'extractor', 'ledger'] as const)(
    '%s refuses a port in use before it touches Redis or takes a job',
    async (service) => {
      await refuses(
        {
          service,
          env: { OPS_HOST: '127.0.0.1', OPS_PORT: String(busyPort) },
          problem: /^OPS_PORT: 127\.0\.0\.1:\d+ is already in use/m,
        },
        // An unreachable Redis: had the service gone past its listener, it would wait, not exit.
        'redis://127.0.0.1:1',
      );
    },
  );

  it.each([
    ['admin', { ADMIN_HOST: '127.0.0.1' }, 'ADMIN_PORT'],
    ['wdt-sim', { WDT_SIM_HOST: '127.0.0.1' }, 'WDT_SIM_PORT'],
    ['k3cloud-sim', { K3_SIM_HOST: '127.0.0.1' }, 'K3_SIM_PORT'],
  ] as const)('%s refuses a port in use', async (service, env, key) => {
    await refuses(
      {
        service,
        env: { ...env, [key]: String(busyPort) },
        problem: new RegExp(`^${key}: 127\\.0\\.0\\.1:\\d+ is already in use`, 'm'),
      },
      redis().url,
    );
  });
});
