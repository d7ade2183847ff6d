import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { ConfigError } from './config.ts';
import { configOrExit } from './startup.ts';

class Exited extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = (): string => chunks.join('').trim();
  return {
    stream,
    lines: () =>
      (text() === '' ? [] : text().split('\n')).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const exit = (code: number): never => {
  throw new Exited(code);
};

describe('configOrExit', () => {
  it('returns what the loader returns, writing nothing', async () => {
    const out = capture();
    await expect(
      configOrExit('loader', () => ({ port: 1 }), { destination: out.stream, exit }),
    ).resolves.toEqual({
      port: 1,
    });
    await expect(configOrExit('loader', async () => 2, { destination: out.stream, exit })).resolves.toBe(2);
    expect(out.lines()).toEqual([]);
  });

  it('turns a ConfigError into one fatal JSON line per problem and exit code 1', async () => {
    const out = capture();
    const load = (): never => {
      throw new ConfigError(
        ['K3_BASE_URL: required', 'LOADER_CONCURRENCY: expected a whole number'],
        'loader environment',
      );
    };
    await expect(configOrExit('loader', load, { destination: out.stream, exit })).rejects.toEqual(
      new Exited(1),
    );
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.problem)).toEqual([
      'K3_BASE_URL: required',
      'LOADER_CONCURRENCY: expected a whole number',
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({
        level: 'fatal',
        service: 'loader',
        code: 'CONFIG_INVALID',
        source: 'loader environment',
        msg: 'refusing to start',
      });
      expect(JSON.stringify(line)).not.toContain('    at ');
    }
  });

  it('treats any CONFIG_INVALID AppError as one problem', async () => {
    const out = capture();
    const load = (): never => {
      throw new AppError('CONFIG_INVALID', 'bad host:port "x:y"', { retryable: false });
    };
    await expect(configOrExit('extractor', load, { destination: out.stream, exit })).rejects.toEqual(
      new Exited(1),
    );
    expect(out.lines()).toEqual([
      expect.objectContaining({ problem: 'bad host:port "x:y"', service: 'extractor' }),
    ]);
  });

  it('rethrows anything else untouched: an unexpected failure keeps its stack', async () => {
    const out = capture();
    const bug = new TypeError('boom');
    await expect(
      configOrExit(
        'admin',
        () => {
          throw bug;
        },
        { destination: out.stream, exit },
      ),
    ).rejects.toBe(bug);
    expect(out.lines()).toEqual([]);
  });
});
