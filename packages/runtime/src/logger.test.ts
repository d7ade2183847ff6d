import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactQuery, redactUrl } from './logger.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes structured JSON with the service name and a textual level', () => {
    const out = capture();
    createLogger({ level: 'info', service: 'loader' }, out.stream)
      .child({ component: 'batcher' })
      .info({ batchSize: 3 }, 'batch flushed');
    expect(out.lines()[0]).toMatchObject({
      level: 'info',
      service: 'loader',
      component: 'batcher',
      batchSize: 3,
      msg: 'batch flushed',
    });
  });

  it('redacts secrets at the top level and nested, and request auth headers', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', service: 'admin' }, out.stream);
    logger.info(
      {
        appSecret: 'top-secret-1',
        wdt: { secret: 'top-secret-2', sign: 'ABCDEF', appKey: 'visible-key' },
        k3: { auth: { password: 'top-secret-3' } },
        req: { headers: { authorization: 'Bearer top-secret-4', host: 'x' } },
        token: 'top-secret-5',
        channel: { name: 'ops', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=top-secret-6' },
      },
      'config loaded',
    );
    const raw = JSON.stringify(out.lines()[0]);
    for (const secret of [
      'top-secret-1',
      'top-secret-2',
      'top-secret-3',
      'top-secret-4',
      'top-secret-5',
      'top-secret-6',
      'ABCDEF',
    ]) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain('visible-key');
    expect(raw).toContain('[redacted]');
  });

  it('drops lines below the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', service: 'x' }, out.stream);
    logger.info('quiet');
    logger.warn('loud');
    expect(out.lines().map((line) => line.msg)).toEqual(['loud']);
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://:pw@host:6379/0', 'redis://:***@host:6379/0'],
    ['rediss://user:pw@host:6380', 'rediss://user:***@host:6380'],
    ['redis://host:6379', 'redis://host:6379'],
    ['not a url', '[unparseable url]'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('redactQuery', () => {
  it.each([
    ['/failed?token=abc&limit=5', '/failed?token=[redacted]&limit=5'],
    ['/x?ACCESS_TOKEN=abc', '/x?ACCESS_TOKEN=[redacted]'],
    ['/x?access%5Ftoken=abc', '/x?access%5Ftoken=[redacted]'],
    [
      '/x?api_key=1&apikey=2&sign=3&password=4',
      '/x?api_key=[redacted]&apikey=[redacted]&sign=[redacted]&password=[redacted]',
    ],
    ['/failed?code=K3_BASEDATA_MISSING&limit=5', '/failed?code=K3_BASEDATA_MISSING&limit=5'],
    ['/failed?token', '/failed?token'],
    ['/failed', '/failed'],
    ['/x?%E0%A4%A=1&token=2', '/x?%E0%A4%A=1&token=[redacted]'],
  ])('%s → %s', (input, expected) => {
    expect(redactQuery(input)).toBe(expected);
  });
});
