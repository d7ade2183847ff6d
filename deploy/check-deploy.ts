/**
 * `pnpm check:deploy`: the deploy rules only this project knows (deploy/check/rules.ts), over
 * `docker compose config` output — Compose parses, merges, interpolates and validates the file
 * itself. Needs Compose v2.24+ but no engine; `pnpm test:deploy` runs it first, with the Compose it
 * installs. Exit 0 when every rule holds, 1 with one line per problem otherwise.
 */
import { join } from 'node:path';
import { gatherFacts } from './check/facts.ts';
import { checkRules, type RuleResult } from './check/rules.ts';
import { COMPOSE_PLUGIN } from './engine/paths.ts';
import { findCompose } from './engine/tools.ts';

const ROOT = join(import.meta.dirname, '..');

/** Runs every rule; returns the report lines and whether all held. */
export async function deployCheck(compose: readonly string[]): Promise<{ ok: boolean; lines: string[] }> {
  const results: RuleResult[] = checkRules(await gatherFacts(compose, ROOT));
  const lines = results.flatMap((result) =>
    result.problems.length === 0
      ? [`✓ ${result.id}: ${result.why}`]
      : [`✗ ${result.id}: ${result.why}`, ...result.problems.map((problem) => `    ${problem}`)],
  );
  return { ok: results.every((result) => result.problems.length === 0), lines };
}

if (import.meta.main) {
  const compose = await findCompose();
  if (compose === undefined) {
    process.stderr.write(
      'check:deploy needs Docker Compose v2.24 or later (`docker compose`); `pnpm test:deploy` installs ' +
        `one into ${COMPOSE_PLUGIN}.\n`,
    );
    process.exit(1);
  }
  const report = await deployCheck(compose);
  process.stdout.write(
    `check:deploy (${compose.join(' ')} config)\n${report.lines.map((l) => `  ${l}`).join('\n')}\n`,
  );
  process.stdout.write(report.ok ? 'check:deploy: every rule holds\n' : 'check:deploy: rules broken\n');
  process.exitCode = report.ok ? 0 : 1;
}
