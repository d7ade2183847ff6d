/**
 * The Docker tools the deploy tier needs, installed the way these machines allow: Debian's
 * docker.io (20.10: dockerd, containerd, runc, the client) and debootstrap from the machine's own
 * apt sources; Compose v2 and buildx as CLI plugins from Debian trixie (bookworm has only Compose
 * 1.29, which refuses our file), fetched with `apt-get download` through a private sources list
 * and state dir and unpacked into a private DOCKER_CONFIG, so the machine's apt setup is untouched.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canRun, run } from './exec.ts';
import { APT_DIR, COMPOSE_PLUGIN, DEBIAN_MIRROR, PLUGINS_DIR } from './paths.ts';

/** env_file with `required: false`, which docker-compose.yml uses, came in Compose 2.24. */
const MIN_COMPOSE = [2, 24] as const;

export type Say = (line: string) => void;

export type ToolsResult =
  | { readonly ok: true; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** "2.26.1-4" / "v2.29.0" → [2, 26]; undefined when it is no Compose v2. */
export function composeVersion(text: string): readonly [number, number] | undefined {
  const match = /v?(\d+)\.(\d+)\.\d+/.exec(text);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2])];
}

export function isRecentCompose(version: readonly [number, number] | undefined): boolean {
  if (version === undefined) return false;
  return version[0] > MIN_COMPOSE[0] || (version[0] === MIN_COMPOSE[0] && version[1] >= MIN_COMPOSE[1]);
}

/**
 * A Compose v2 ≥ 2.24 to run `config` with: the plugin this tier installed (run standalone, it
 * needs no docker CLI and no engine), else `docker compose` from PATH. Undefined when neither.
 */
export async function findCompose(): Promise<readonly string[] | undefined> {
  const candidates: (readonly string[])[] = [[COMPOSE_PLUGIN], ['docker', 'compose'], ['docker-compose']];
  for (const argv of candidates) {
    const [command, ...rest] = argv as [string, ...string[]];
    if (command.startsWith('/') && !existsSync(command)) continue;
    try {
      const out = await run(command, [...rest, 'version', '--short'], {
        allowFailure: true,
        timeoutMs: 30_000,
      });
      if (out.code === 0 && isRecentCompose(composeVersion(out.stdout))) return argv;
    } catch {
      // not installed
    }
  }
  return undefined;
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function aptInstall(packages: readonly string[], say: Say): Promise<void> {
  say(`installing ${packages.join(', ')} from Debian's packages (apt-get)`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  const first = await run('apt-get', install, { env, allowFailure: true, timeoutMs: 300_000 });
  if (first.code === 0) return;
  // A fresh machine may have no package lists yet.
  await run('apt-get', ['update'], { env, timeoutMs: 300_000 });
  await run('apt-get', install, { env, timeoutMs: 300_000 });
}

function aptOptions(): string[] {
  return [
    `-o=Dir::Etc::SourceList=${join(APT_DIR, 'sources.list')}`,
    '-o=Dir::Etc::SourceParts=/dev/null',
    `-o=Dir::State=${join(APT_DIR, 'state')}`,
    '-o=Dir::State::status=/dev/null',
    `-o=Dir::Cache=${join(APT_DIR, 'cache')}`,
    '-o=APT::Sandbox::User=root',
  ];
}

/** Compose v2 and buildx from trixie, unpacked (dpkg -x) into the private cli-plugins dir. */
async function installTrixiePlugins(say: Say): Promise<void> {
  say(
    `fetching docker-compose (v2) and docker-buildx from Debian trixie (${DEBIAN_MIRROR}) with a private apt state`,
  );
  rmSync(APT_DIR, { recursive: true, force: true });
  for (const dir of ['state/lists/partial', 'cache/archives/partial', 'debs', 'root'])
    mkdirSync(join(APT_DIR, dir), { recursive: true });
  // Debian's keyring carries trixie's keys (debian-archive-keyring 2023.3+deb12u2 does).
  writeFileSync(
    join(APT_DIR, 'sources.list'),
    `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR} trixie main\n`,
  );
  await run('apt-get', [...aptOptions(), 'update'], { timeoutMs: 300_000 });
  const debs = join(APT_DIR, 'debs');
  await run('apt-get', [...aptOptions(), 'download', 'docker-compose', 'docker-buildx'], {
    cwd: debs,
    timeoutMs: 300_000,
  });
  const root = join(APT_DIR, 'root');
  for (const deb of readdirSync(debs).filter((name) => name.endsWith('.deb')))
    await run('dpkg-deb', ['-x', join(debs, deb), root]);
  mkdirSync(PLUGINS_DIR, { recursive: true });
  for (const plugin of ['docker-compose', 'docker-buildx']) {
    copyFileSync(join(root, 'usr/libexec/docker/cli-plugins', plugin), join(PLUGINS_DIR, plugin));
    chmodSync(join(PLUGINS_DIR, plugin), 0o755);
  }
  rmSync(join(APT_DIR, 'root'), { recursive: true, force: true });
}

/**
 * Makes dockerd, the docker client, debootstrap and Compose v2 available, or says why it cannot
 * (not root, no apt-get): then the tier is skipped, not failed.
 */
export async function ensureEngineTools(say: Say): Promise<ToolsResult> {
  const notes: string[] = [];
  const missing = [
    ...((await canRun('dockerd', ['--version'])) && (await canRun('docker', ['--version']))
      ? []
      : ['docker.io']),
    ...((await canRun('debootstrap', ['--version'])) ? [] : ['debootstrap']),
  ];
  const pluginsReady =
    existsSync(join(PLUGINS_DIR, 'docker-buildx')) && (await findCompose())?.[0] === COMPOSE_PLUGIN;
  if (missing.length === 0 && pluginsReady) return { ok: true, notes: ['docker tools already installed'] };
  if (!isRoot())
    return { ok: false, reason: 'not root: cannot install Docker or start an engine of its own' };
  if (!(await canRun('apt-get', ['--version'])))
    return { ok: false, reason: 'no apt-get: cannot install docker.io, debootstrap or Compose v2' };
  if (missing.length > 0) {
    await aptInstall(missing, say);
    notes.push(`installed ${missing.join(', ')} with apt-get`);
  }
  if (!pluginsReady) {
    await installTrixiePlugins(say);
    notes.push(`installed Compose v2 and buildx from trixie into ${PLUGINS_DIR}`);
  }
  return { ok: true, notes };
}
