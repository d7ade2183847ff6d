/**
 * The offline install, as a site without any registry does it: scripts/bundle.sh writes the
 * archive; the images it holds are removed from the engine; the archive is unpacked into an empty
 * directory (no Dockerfile, no sources, so nothing could be built), checked, `docker load`ed and
 * started with exactly the commands of its INSTALL.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../engine/exec.ts';
import { describeAccount, settleAndAccount } from './accounting.ts';
import type { DemoPlan } from './demo-plan.ts';
import { ordersIn } from './demo-plan.ts';
import { describeLedger, settleLedger } from './ledger-accounting.ts';
import type { Pipeline } from './pipeline.ts';
import { openStack, type Stack, unhealthyServices } from './stack.ts';

export interface BundleInputs {
  readonly root: string;
  readonly workDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly repoStack: Stack;
}

export async function writeBundle(
  inputs: BundleInputs,
): Promise<{ archive: string; images: string[]; line: string }> {
  const archive = join(inputs.workDir, 'wdt-k3-sync-bundle.tar.gz');
  await run(join(inputs.root, 'scripts', 'bundle.sh'), ['--output', archive], {
    env: inputs.env,
    cwd: inputs.root,
    logFile: inputs.logFile,
    timeoutMs: 600_000,
  });
  const images = (await inputs.repoStack.compose(['config', '--images'])).stdout
    .split('\n')
    .filter((line) => line !== '');
  const size = (await run('du', ['-m', archive])).stdout.split('\t')[0];
  return {
    archive,
    images: [...new Set(images)],
    line: `${archive} (${size} MB): ${[...new Set(images)].join(', ')}`,
  };
}

/** Removes the bundle's images, installs from the archive alone, runs the demo, accounts for it. */
export async function installFromBundle(
  inputs: BundleInputs,
  bundle: { archive: string; images: string[] },
  plan: DemoPlan,
  pipeline: Pipeline,
): Promise<string> {
  const docker = (args: string[], cwd = inputs.workDir) =>
    run('docker', args, { env: inputs.env, cwd, logFile: inputs.logFile, timeoutMs: 600_000 });
  await docker(['image', 'rm', ...bundle.images]);
  for (const image of bundle.images) {
    const gone = await run('docker', ['image', 'inspect', image], { env: inputs.env, allowFailure: true });
    if (gone.code === 0) throw new Error(`${image} is still in the engine`);
  }
  const site = join(inputs.workDir, 'site');
  mkdirSync(site, { recursive: true });
  await run('tar', ['-xzf', bundle.archive, '-C', site]);
  const [dirName] = readdirSync(site);
  if (dirName === undefined) throw new Error('the bundle unpacked to nothing');
  const dir = join(site, dirName);
  for (const file of ['images.tar', 'SHA256SUMS', 'docker-compose.yml', '.env.example', 'INSTALL.md'])
    if (!existsSync(join(dir, file))) throw new Error(`the bundle lacks ${file}`);
  if (existsSync(join(dir, 'Dockerfile')))
    throw new Error('the bundle carries a Dockerfile: it should need none');
  const install = readFileSync(join(dir, 'INSTALL.md'), 'utf8');
  const unnamed = bundle.images.filter((image) => !install.includes(`\`${image}\``));
  if (unnamed.length > 0) throw new Error(`the bundle's INSTALL.md does not name ${unnamed.join(', ')}`);
  await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
  await docker(['load', '--input', 'images.tar'], dir);
  // The same pinned dataset as the repository's run; no build section: the site has no sources.
  const override = join(inputs.workDir, 'site-override.json');
  writeFileSync(override, plan.override({ buildOnHostNetwork: false }));
  const stack = openStack(
    { dir, files: [join(dir, 'docker-compose.yml'), override], env: inputs.env, logFile: inputs.logFile },
    inputs.repoStack.project,
  );
  try {
    // INSTALL.md: `docker compose --profile demo up -d --wait`.
    await stack.compose(['up', '--detach', '--wait'], 600_000);
    const problems = await unhealthyServices(stack);
    if (problems.length > 0)
      throw new Error(`from the bundle, not every service is healthy: ${problems.join('; ')}`);
    const expected = ordersIn(plan.dataset, [plan.windows.first]);
    const result = await settleAndAccount(pipeline, expected, 300_000);
    const ledger = await settleLedger(pipeline, expected, 120_000);
    return `loaded ${bundle.images.length} images into an engine without them, ran from a directory with no sources; ${describeAccount(result)}; ${describeLedger(ledger)}`;
  } finally {
    await stack.compose(['down', '--volumes', '--remove-orphans'], 180_000, true);
  }
}
