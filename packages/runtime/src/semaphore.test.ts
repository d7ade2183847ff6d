import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.ts';

describe('createSemaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const semaphore = createSemaphore(2);
    const gates = [0, 1, 2, 3].map(() => Promise.withResolvers<void>());
    const started: number[] = [];
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    const tasks = [0, 1, 2, 3].map((i) =>
      semaphore.run(async () => {
        started.push(i);
        await gates[i]?.promise;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(semaphore.waiting).toBe(2);
    gates[0]?.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(semaphore.active).toBe(0);
  });

  it('lets a waiting caller give up through its AbortSignal', async () => {
    const semaphore = createSemaphore(1);
    let release = (): void => undefined;
    const first = semaphore.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const second = semaphore.run(async () => 'ran', controller.signal);
    controller.abort(new Error('gave up'));
    await expect(second).rejects.toThrow('gave up');
    expect(semaphore.waiting).toBe(0);
    release();
    await first;
  });

  it('admits waiters when the limit is raised and lets running calls finish when it is lowered', async () => {
    const semaphore = createSemaphore(1);
    const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
    const started: number[] = [];
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    const tasks = [0, 1, 2].map((i) =>
      semaphore.run(async () => {
        started.push(i);
        await gates[i]?.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0]);
    semaphore.limit = 3;
    await flush();
    expect(started).toEqual([0, 1, 2]);
    expect(semaphore.active).toBe(3);
    semaphore.limit = 1;
    const late = semaphore.run(async () => started.push(3));
    gates[0]?.resolve();
    gates[1]?.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[2]?.resolve();
    await Promise.all([...tasks, late]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(() => {
      semaphore.limit = 0;
    }).toThrow(RangeError);
  });
});
