import { fileURLToPath } from 'node:url';
import { startProcess } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

/** A real Node process whose configuration is bad, as a service's main.ts runs it. */
const SCRIPT = `
import { configOrExit, ConfigError } from ${JSON.stringify(INDEX)};
await configOrExit('loader', () => {
  throw new ConfigError(['K3_BASE_URL: required', 'LOADER_BATCH_SIZE: expected a whole number, got "x"'], 'loader environment');
});
process.stdout.write('started anyway\\n');
`;

describe('a process whose configuration is bad', () => {
  it('exits 1 after one JSON line per problem, with no stack trace', async () => {
    const child = startProcess(process.execPath, ['--input-type=module', '--eval', SCRIPT], {
      name: 'bad-config',
    });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(child.lines).toHaveLength(2);
    const lines = child.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.code, line.problem])).toEqual([
      ['CONFIG_INVALID', 'K3_BASE_URL: required'],
      ['CONFIG_INVALID', 'LOADER_BATCH_SIZE: expected a whole number, got "x"'],
    ]);
  });
});
