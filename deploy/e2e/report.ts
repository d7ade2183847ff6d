/**
 * The tier's output: one line when a step starts, one when it ends with how long it took and
 * what it found, and a table of every step's duration at the end (the bound is 15 minutes here).
 */

interface Timing {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}

export interface Reporter {
  say(line: string): void;
  step<T>(name: string, run: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
  summary(verdict: string): void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function createReporter(
  write: (text: string) => void = (text) => process.stdout.write(text),
): Reporter {
  const started = Date.now();
  const timings: Timing[] = [];
  const say = (line: string): void => write(`[deploy] ${line}\n`);
  return {
    say,
    async step(name, run, describe) {
      const t0 = Date.now();
      say(`▶ ${name}`);
      try {
        const result = await run();
        const ms = Date.now() - t0;
        timings.push({ name, ms, ok: true });
        const detail = describe !== undefined ? describe(result) : typeof result === 'string' ? result : '';
        say(`✓ ${name} (${seconds(ms)})${detail === '' ? '' : `\n      ${detail}`}`);
        return result;
      } catch (error) {
        const ms = Date.now() - t0;
        timings.push({ name, ms, ok: false });
        say(`✗ ${name} (${seconds(ms)}): ${(error as Error).message}`);
        throw error;
      }
    },
    summary(verdict) {
      const width = Math.max(...timings.map((t) => t.name.length), 10);
      say('step timings:');
      for (const t of timings)
        say(`  ${t.ok ? '✓' : '✗'} ${t.name.padEnd(width)}  ${seconds(t.ms).padStart(8)}`);
      say(`  ${'total'.padEnd(width + 2)}  ${seconds(Date.now() - started).padStart(8)}`);
      say(verdict);
    },
  };
}
