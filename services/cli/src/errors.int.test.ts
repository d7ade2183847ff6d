import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { findFreePort, useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { allOutput, cliFor, runCli } from '../test/run-cli.ts';

const listen = (server: Server | ReturnType<typeof createTcpServer>): Promise<string> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    });
  });

describe('wdt-k3 exit codes and secrets', () => {
  const redis = useRedisServer();
  let admin: AdminUnderTest;

  beforeAll(async () => {
    admin = await startAdmin(redis().url);
    await admin.addDeadLetter(1, { failedAt: Date.parse('2024-03-18T10:00:00+08:00') });
  });
  afterAll(async () => admin.close());

  it('exits 3 when nothing listens, naming the URL and both environment variables, without a stack', async () => {
    const url = `http://127.0.0.1:${await findFreePort()}`;
    const run = await runCli(['status'], { env: { WDT_K3_ADMIN_URL: url, WDT_K3_ADMIN_TOKEN: FULL.token } });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        `wdt-k3: cannot reach the admin API at ${url} (ECONNREFUSED)`,
        `The admin API URL is ${url}: set it with --url or WDT_K3_ADMIN_URL.`,
        'The token comes from --token or WDT_K3_ADMIN_TOKEN.',
        '',
      ].join('\n'),
    );
    const json = await runCli(['failed', 'list', '--json', '--url', url]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'CLI_UNREACHABLE', message: `cannot reach the admin API at ${url} (ECONNREFUSED)` },
    });
  });

  it('exits 3 when the admin accepts the connection but never answers within --timeout-ms', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const url = await listen(silent);
    try {
      const run = await runCli(['failed', 'list', '--url', url, '--timeout-ms', '300']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`no answer from the admin API at ${url} within 300 ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('exits 1 with the code and a next step when the token is missing or wrong', async () => {
    const none = await cliFor(admin.url, null)(['failed', 'list']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'ADMIN_UNAUTHORIZED: credentials are required (HTTP 401)\nGive a valid token with WDT_K3_ADMIN_TOKEN (or --token).\n',
    );
    const wrongToken = `${FULL.token.slice(0, -1)}x`;
    const wrong = await cliFor(admin.url, wrongToken)(['failed', 'list', '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).error.code).toBe('ADMIN_UNAUTHORIZED');
    expect(`${wrong.stdout}${wrong.stderr}`).not.toContain(wrongToken);
  });

  it('exits 1 with CLI_BAD_RESPONSE when the URL is some other web server', async () => {
    const other = createHttpServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
    const url = await listen(other);
    try {
      const run = await runCli(['status', '--url', url, '--json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).error.code).toBe('CLI_BAD_RESPONSE');
      expect(run.stderr).toMatch(/answered HTTP 502 with a body that is not JSON/);
    } finally {
      other.close();
    }
  });

  it('exits 2 with the usage line on an unknown command, option or a missing argument, sending nothing', async () => {
    const cli = cliFor(admin.url, FULL.token);
    const cases: Array<[string[], string]> = [
      [['frobnicate'], 'wdt-k3: unknown command "frobnicate"\nRun wdt-k3 --help for the commands.\n'],
      [
        ['failed', 'undo'],
        'wdt-k3: unknown failed subcommand "undo"\nOne of: list, show, replay, discard, undiscard.\n',
      ],
      [
        ['failed'],
        'wdt-k3: "failed" needs a subcommand: list, show, replay, discard, undiscard\nRun wdt-k3 failed --help for details.\n',
      ],
      [
        ['failed', 'list', '--colour'],
        "wdt-k3: Unknown option '--colour'\nUsage: wdt-k3 failed list [options]\nRun wdt-k3 failed list --help for the options.\n",
      ],
      [
        ['failed', 'show'],
        'wdt-k3: missing <id>\nUsage: wdt-k3 failed show <id> [options]\nRun wdt-k3 failed show --help for the options.\n',
      ],
      [
        ['failed', 'show', 'so-1', 'so-2'],
        'wdt-k3: unexpected argument "so-2"\nUsage: wdt-k3 failed show <id> [options]\nRun wdt-k3 failed show --help for the options.\n',
      ],
      [
        ['status', '--url', 'ftp://example.com'],
        'wdt-k3: the admin URL must be http:// or https://, got ftp:\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toBe(stderr);
      expect(run.stdout).toBe('');
    }
    expect(await admin.redis.xlen(`${admin.prefix}:admin:audit`)).toBe(0);
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: wdt-k3 <command> [options]');
  });

  it('prints help for the tool, a group and a command on stdout with exit 0, flags before or after', async () => {
    const tool = await runCli(['--help']);
    expect(tool.code).toBe(0);
    expect(tool.stdout).toMatch(/^ {2}failed replay \[<id>\]\s+Replay one dead letter/m);
    expect(tool.stdout).toContain('Exit codes: 0 ok · 1 the admin API answered an error · 2 usage error · 3');
    expect((await runCli(['help', 'failed'])).stdout).toMatch(
      /^Usage: wdt-k3 failed <list\|show\|replay\|discard\|undiscard>/,
    );
    const command = await runCli(['failed', 'replay', '-h']);
    expect(command.stdout).toMatch(/^Usage: wdt-k3 failed replay \[<id>\] \[options\]$/m);
    expect(command.stdout).toMatch(/^ {2}--order-file PATH\s+replay with this edited WDT order/m);
    const before = await cliFor(admin.url, READ.token)(['--json', 'failed', 'show', 'so-1']);
    expect(JSON.parse(before.stdout).id).toBe('so-1');
  });

  it('never prints the token: not with --verbose, not from --token, not when it is malformed', async () => {
    const verbose = await cliFor(admin.url, FULL.token)(['failed', 'list', '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/^→ GET http:\/\/127\.0\.0\.1:\d+\/failed\n← 200 in \d+ ms\n$/);
    const flag = await runCli(['status', '-v', '--url', admin.url, '--token', READ.token]);
    expect(flag.code).toBe(0);
    const malformed = `${FULL.token} with spaces`;
    const bad = await runCli(['status'], {
      env: { WDT_K3_ADMIN_URL: admin.url, WDT_K3_ADMIN_TOKEN: malformed },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'wdt-k3: the admin token (--token or WDT_K3_ADMIN_TOKEN) must be printable ASCII with no spaces\n',
    );
    expect(allOutput.length).toBeGreaterThan(10);
    for (const text of allOutput) {
      expect(text).not.toContain(FULL.token);
      expect(text).not.toContain(READ.token);
    }
  });
});
