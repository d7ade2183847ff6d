/**
 * Gathers what the rules look at: Compose's own reading of docker-compose.yml, the env keys each
 * service's config.ts really reads, and a few repository texts.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../engine/exec.ts';
import type { ComposeModel } from './compose-model.ts';
import type { DeployFacts } from './rules.ts';

type LoadConfig = (env: Readonly<Record<string, string | undefined>>) => unknown;

/**
 * Each service's config.ts, imported, with the keys its zod schema reads recorded through a
 * Proxy (a zod object reads every key it declares, present or not).
 */
async function configKeys(root: string): Promise<Record<string, ReadonlySet<string>>> {
  const out: Record<string, ReadonlySet<string>> = {};
  for (const name of readdirSync(join(root, 'services'))) {
    const path = join(root, 'services', name, 'src', 'config.ts');
    if (!existsSync(path)) continue;
    const { loadConfig } = (await import(path)) as { loadConfig?: LoadConfig };
    if (typeof loadConfig !== 'function') continue;
    const keys = new Set<string>();
    const recorder = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_target, key) => {
          if (typeof key === 'string') keys.add(key);
          return undefined;
        },
      },
    );
    try {
      loadConfig(recorder);
    } catch {
      // Required settings are missing from the empty env; only the keys read matter here.
    }
    out[name] = keys;
  }
  return out;
}

/**
 * `config` and `config --variables` of docker-compose.yml alone in an empty directory, with no
 * exported variables: the "no .env" case (the demo, and what each default resolves to), whatever
 * .env or shell the developer running the check has. Every profile is enabled.
 */
async function composeFacts(
  compose: readonly string[],
  root: string,
): Promise<{ model: ComposeModel; variables: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'wdt-k3-check-deploy-'));
  try {
    copyFileSync(join(root, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    const [command, ...prefix] = compose as [string, ...string[]];
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKER_CONFIG: process.env.DOCKER_CONFIG,
    };
    const options = { cwd: dir, env, cleanEnv: true, timeoutMs: 60_000 };
    const config = await run(command, [...prefix, '--profile', '*', 'config', '--format', 'json'], options);
    const table = await run(command, [...prefix, '--profile', '*', 'config', '--variables'], options);
    // One row per variable under a NAME / REQUIRED / DEFAULT VALUE header; names have no spaces.
    const variables = table.stdout
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
    return { model: JSON.parse(config.stdout) as ComposeModel, variables };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function gatherFacts(compose: readonly string[], root: string): Promise<DeployFacts> {
  const read = (path: string): string => readFileSync(join(root, path), 'utf8');
  const { model, variables } = await composeFacts(compose, root);
  return {
    compose: model,
    variables,
    envExample: read('.env.example'),
    dockerfile: read('Dockerfile'),
    dockerignore: read('.dockerignore'),
    packageManager: (JSON.parse(read('package.json')) as { packageManager?: string }).packageManager,
    configKeys: await configKeys(root),
  };
}
