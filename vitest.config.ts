import { defineConfig } from 'vitest/config';

/**
 * Three tiers (CONVENTIONS.md): `*.test.ts` unit tests (pure, fast), `*.int.test.ts` against a
 * real redis-server and the simulators over real HTTP, `*.e2e.test.ts` starting real service
 * processes. `pnpm test` runs all of them; `pnpm test:unit` only the first.
 */
const integration = ['**/*.int.test.ts', '**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/**/*.test.ts',
            'services/**/*.test.ts',
            'scripts/**/*.test.ts',
            'deploy/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', ...integration],
        },
      },
      {
        test: {
          name: 'integration',
          include: integration.map((pattern) => `{packages,services}/${pattern}`),
          exclude: ['**/node_modules/**'],
          // Generous bounds: a test that hangs must fail, but outage tests legitimately wait for
          // BullMQ's stalled-job recovery and process restarts. Nothing asserts on time.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
