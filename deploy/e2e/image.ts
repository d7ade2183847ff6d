/**
 * Checks of the image itself: compose builds it once for every service, it holds no compiler and
 * nothing from the developer's checkout, it runs as `node`, and each service it runs refuses a
 * bad configuration with structured lines only.
 */
import type { ComposeModel } from '../check/compose-model.ts';
import { workspaceServiceOf } from '../check/compose-model.ts';
import type { Stack } from './stack.ts';

export async function composeModel(stack: Stack): Promise<ComposeModel> {
  return JSON.parse((await stack.compose(['config', '--format', 'json'])).stdout) as ComposeModel;
}

/**
 * The README's demo command, `docker compose --profile demo up --build` (detached, waiting for
 * health), from an engine without our image, as a new user runs it: exactly one image may be
 * built, whatever the number of services that run it. Returns what was built.
 */
export async function upWithOneBuild(stack: Stack, image: string): Promise<string> {
  await stack.docker(['image', 'rm', image], 60_000, true);
  const out = await stack.compose(['--progress', 'plain', 'up', '--build', '--detach', '--wait'], 900_000);
  const named = new Set([...`${out.stdout}\n${out.stderr}`.matchAll(/naming to (\S+)/g)].map((m) => m[1]));
  const model = await composeModel(stack);
  const users = Object.values(model.services).filter((s) => workspaceServiceOf(s) !== undefined).length;
  if (named.size !== 1) throw new Error(`compose built ${named.size} images: ${[...named].join(', ')}`);
  return `one image built (${[...named].join('')}) for the ${users} services that run it`;
}

/** What is inside: size of /app, no TypeScript package, nothing from the checkout, the user. */
export async function inspectImage(stack: Stack, image: string): Promise<string> {
  const script = [
    'echo "app_mb=$(du -sm /app | cut -f1)"',
    'echo "typescript=$(ls /app/node_modules/.pnpm | grep -ci typescript)"',
    'for f in .git .env; do test -e "/app/$f" && echo "leaked=$f"; done',
    'echo "user=$(id -un)"',
  ].join('; ');
  const out = (await stack.docker(['run', '--rm', '--entrypoint', 'sh', image, '-c', `${script}; true`]))
    .stdout;
  const facts = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
  const problems = [
    ...(facts.typescript === '0'
      ? []
      : [`${facts.typescript} TypeScript packages in /app/node_modules/.pnpm`]),
    ...(facts.leaked === undefined ? [] : [`/app/${facts.leaked} is in the image`]),
    ...(facts.user === 'node' ? [] : [`runs as ${facts.user}, not node`]),
  ];
  if (problems.length > 0) throw new Error(`image ${image}: ${problems.join('; ')}`);
  return `/app is ${facts.app_mb} MB with no TypeScript package, no .git or .env; runs as node`;
}

/** A setting each service reads and refuses: LOG_LEVEL, or the simulator's own. */
const BAD_SETTING: Readonly<Record<string, readonly [string, string]>> = {
  'wdt-sim': ['WDT_SIM_PORT', 'not-a-port'],
  'k3cloud-sim': ['K3_SIM_PORT', 'not-a-port'],
  'robot-sim': ['ROBOT_SIM_PORT', 'not-a-port'],
};

/**
 * `docker compose run` of every service the image runs with one bad setting: exit 1, and what it
 * prints is only structured JSON lines saying CONFIG_INVALID — no stack trace, which under
 * `restart: unless-stopped` would repeat on every restart.
 */
export async function badConfigRefused(stack: Stack): Promise<string> {
  const model = await composeModel(stack);
  const seen: string[] = [];
  for (const [name, service] of Object.entries(model.services)) {
    const workspace = workspaceServiceOf(service);
    if (workspace === undefined) continue;
    const [key, value] = BAD_SETTING[workspace] ?? ['LOG_LEVEL', 'loud'];
    const out = await stack.compose(
      ['run', '--rm', '--no-deps', '-T', '-e', `${key}=${value}`, name],
      120_000,
      true,
    );
    const lines = out.stdout
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as { code?: unknown; msg?: unknown };
      } catch {
        return undefined;
      }
    });
    const structured = parsed.every(
      (line) => line?.code === 'CONFIG_INVALID' && line.msg === 'refusing to start',
    );
    const stack_ = /^\s+at /m.test(`${out.stdout}\n${out.stderr}`);
    if (out.code !== 1 || lines.length === 0 || !structured || stack_)
      throw new Error(`${name} with ${key}=${value}: exit ${out.code}, output:\n${out.stdout}${out.stderr}`);
    seen.push(`${name} ${lines.length}`);
  }
  return `exit 1 with only CONFIG_INVALID JSON lines, no stack trace (lines: ${seen.join(', ')})`;
}
