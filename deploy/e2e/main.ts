/**
 * `pnpm test:deploy`: the compose deployment on a real Docker engine, end to end, as a new user
 * runs it. Starts a private dockerd (installing docker.io, debootstrap and Compose v2 when
 * missing), builds stand-in base images (Docker Hub is unreachable here) and our image, runs
 * `docker compose --profile demo up --wait` and checks health, orders flowing exactly once,
 * scaling, admin auth, Redis restarts, down/up, a loader killed with SIGKILL, non-root
 * containers, then the offline bundle; removes everything and stops the engine, also on failure.
 * Prints how long each step took. Where no engine can be started (not root, no apt-get) it says
 * SKIPPED and exits 0, unless WDT_K3_DEPLOY_REQUIRED=1 (CI), where that is a failure.
 *
 *   pnpm test:deploy            warm: reuses the caches and the engine's images
 *   pnpm test:deploy --cold     deletes them first (~/.cache/wdt-k3-sync/deploy, the data root)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireEngineLock, type Engine, startEngine, wipeEngine } from '../engine/dockerd.ts';
import { run } from '../engine/exec.ts';
import { CACHE_DIR, ENGINE } from '../engine/paths.ts';
import { ensureEngineTools } from '../engine/tools.ts';
import { createReporter } from './report.ts';
import { runTier } from './tier.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PROJECT = 'wdt-k3-sync';
const cold = process.argv.includes('--cold');
const required = process.env.WDT_K3_DEPLOY_REQUIRED === '1';
const runDir = join(ROOT, '.run', `deploy-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const report = createReporter();
const say = report.say;

if (existsSync(join(ROOT, '.env'))) {
  say('the repository has a .env, which compose would hand to the test containers: move it away first');
  process.exit(1);
}

function skip(reason: string): never {
  say(`deploy tier SKIPPED: ${reason}. Nothing was run on a Docker engine.`);
  if (required) say('WDT_K3_DEPLOY_REQUIRED=1: a skipped deploy tier is a failure here');
  process.exit(required ? 1 : 0);
}

// dockerd needs root; so do apt-get and debootstrap.
if (process.getuid?.() !== 0) skip('not root, so no Docker engine of its own can be started');

// Held to the end: the caches, the data root and the socket serve one run at a time.
const releaseLock = await report.step(
  'engine lock (one deploy tier run per machine)',
  () => acquireEngineLock(say),
  () => ENGINE.lockFile,
);
process.once('exit', releaseLock);

if (cold)
  await report.step('cold start: delete the caches and the engine data root', async () => {
    rmSync(CACHE_DIR, { recursive: true, force: true });
    await wipeEngine(say);
    return `${CACHE_DIR}, ${ENGINE.dataRoot}`;
  });

const tools = await report.step('docker tools (docker.io, debootstrap, Compose v2 + buildx)', () =>
  ensureEngineTools(say),
);
if (!tools.ok) skip(tools.reason);
mkdirSync(runDir, { recursive: true });

let engine: Engine | undefined;
let standInsUsed = false;
let cleaning: Promise<void> | undefined;
const cleanup = (failed: boolean): Promise<void> => {
  cleaning ??= (async () => {
    // The bundle and its unpacked copy are hundreds of MB; the logs stay.
    rmSync(join(runDir, 'wdt-k3-sync-bundle.tar.gz'), { force: true });
    rmSync(join(runDir, 'site'), { recursive: true, force: true });
    if (engine === undefined) return;
    const current = engine;
    await report.step('clean up: logs, containers, volumes, networks; stop the engine', async () => {
      const env = current.env;
      const docker = (args: string[]) => run('docker', args, { env, allowFailure: true, timeoutMs: 180_000 });
      if (failed) {
        const logs = await run(
          'docker',
          ['compose', '--project-name', PROJECT, 'logs', '--no-color', '--timestamps'],
          {
            env,
            allowFailure: true,
            timeoutMs: 60_000,
          },
        );
        writeFileSync(join(runDir, 'compose.log'), logs.stdout + logs.stderr);
      }
      // The engine is ours alone (own data root), so everything in it is the tier's.
      const ids = (await docker(['ps', '--all', '--quiet'])).stdout.split('\n').filter((id) => id !== '');
      if (ids.length > 0) await docker(['rm', '--force', '--volumes', ...ids]);
      await docker(['volume', 'prune', '--force']);
      await docker(['network', 'prune', '--force']);
      await docker(['image', 'prune', '--force']);
      await docker(['builder', 'prune', '--force', '--keep-storage', '4gb']);
      const left =
        (await docker(['ps', '--all', '--quiet'])).stdout.trim() +
        (await docker(['volume', 'ls', '--quiet'])).stdout.trim();
      const notes = await current.stop();
      if (left !== '') throw new Error(`left behind in the engine: ${left}`);
      return [`no container or volume left; dockerd ${current.pid} stopped`, ...notes].join('; ');
    });
  })();
  return cleaning;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    say(`${signal}: cleaning up`);
    void cleanup(true).finally(() => process.exit(130));
  });

// Every step is bounded; this bounds their sum (the tier takes well under 15 minutes here).
const WATCHDOG_MS = 20 * 60_000;
const watchdog = setTimeout(() => {
  say(`watchdog: still running after ${WATCHDOG_MS / 60_000} minutes; cleaning up`);
  void cleanup(true).finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

let failed = true;
try {
  const started = await report.step(
    'engine: private dockerd',
    async () => {
      const own = await startEngine(join(runDir, 'dockerd.log'), say);
      engine = own;
      const format = 'client {{.Client.Version}}, engine {{.Server.Version}}';
      const versions = await run('docker', ['version', '--format', format], { env: own.env });
      const compose = await run('docker', ['compose', 'version', '--short'], { env: own.env });
      const line = `${versions.stdout.trim()}, compose ${compose.stdout.trim()}; data root ${ENGINE.dataRoot}, socket ${ENGINE.socket}`;
      return { own, line };
    },
    (result) => result.line,
  );
  await runTier({
    root: ROOT,
    project: PROJECT,
    runDir,
    engine: started.own,
    report,
    onStandIns: () => {
      standInsUsed = true;
    },
  });
  failed = false;
} catch (error) {
  say(`FAILED: ${(error as Error).stack ?? String(error)}`);
  say(`logs: ${runDir}`);
} finally {
  await cleanup(failed).catch((error: unknown) => {
    say(`clean-up failed: ${(error as Error).message}`);
    failed = true;
  });
  report.summary(
    `deploy tier ${failed ? 'FAILED' : 'passed'}${standInsUsed ? ' (base images: local STAND-INS, listed above)' : ''}`,
  );
  process.exitCode = failed ? 1 : 0;
}
