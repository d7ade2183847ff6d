import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Env keys a zod config schema declares: `  KEY: z…` at the start of a line, or `z.object({ KEY: …`. */
function envKeys(source: string): string[] {
  return [...source.matchAll(/(?:^\s+|\{\s*)([A-Z][A-Z0-9_]{2,}):/gm)].map((match) => match[1] as string);
}

describe('the root README', () => {
  const readme = read('README.md');

  it.each([
    'packages/runtime/src/redis.ts',
    'services/extractor/src/config.ts',
    'services/loader/src/config.ts',
    'services/admin/src/config.ts',
    'services/ledger/src/config.ts',
    'services/reconciler/src/config.ts',
    'services/alerter/src/config.ts',
    'packages/ledger/src/env.ts',
    'packages/jobs/src/event-emitter.ts',
    'packages/k3cloud-client/src/env.ts',
    'packages/wdt-client/src/env.ts',
  ])('names every variable %s reads', (path) => {
    const keys = envKeys(read(path));
    expect(keys.length).toBeGreaterThan(0);
    const missing = keys.filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  it('gives the two commands CI and newcomers run, and CI runs the test one verbatim', () => {
    expect(readme).toContain('./scripts/start.sh');
    expect(readme).toContain('./scripts/test.sh');
    expect(read('.ci/run')).toMatch(/^\.\/scripts\/test\.sh$/m);
  });
});
