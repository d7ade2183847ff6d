import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { createShutdown } from './shutdown.ts';

function quietLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', service: 'test' }, stream), lines };
}

describe('createShutdown', () => {
  it('runs steps in order, once, however often it is called', async () => {
    const order: string[] = [];
    const { logger } = quietLogger();
    const shutdown = createShutdown(logger, [
      { name: 'stop intake', timeoutMs: 1000, run: () => order.push('intake') },
      { name: 'drain', timeoutMs: 1000, run: async () => order.push('drain') },
      { name: 'close redis', timeoutMs: 1000, run: () => order.push('redis') },
    ]);
    expect(shutdown.started).toBe(false);
    const first = shutdown('SIGTERM');
    const second = shutdown('SIGINT');
    expect(second).toBe(first);
    expect(shutdown.started).toBe(true);
    await first;
    expect(order).toEqual(['intake', 'drain', 'redis']);
  });

  it('logs a failing step and still runs the rest', async () => {
    const ran: string[] = [];
    const { logger, lines } = quietLogger();
    const shutdown = createShutdown(logger, [
      {
        name: 'explodes',
        timeoutMs: 1000,
        run: () => {
          throw new Error('close failed');
        },
      },
      { name: 'after', timeoutMs: 1000, run: () => ran.push('after') },
    ]);
    await shutdown('test');
    expect(ran).toEqual(['after']);
    expect(lines.join('')).toContain('shutdown step failed');
  });

  it('abandons a hanging step after its bound and moves on', async () => {
    const ran: string[] = [];
    const { logger, lines } = quietLogger();
    const shutdown = createShutdown(logger, [
      { name: 'hangs', timeoutMs: 20, run: () => new Promise(() => undefined) },
      { name: 'after', timeoutMs: 1000, run: () => ran.push('after') },
    ]);
    await shutdown('test');
    expect(ran).toEqual(['after']);
    expect(lines.join('')).toContain('shutdown step timed out');
  });
});
