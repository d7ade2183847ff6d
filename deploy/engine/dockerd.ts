/**
 * A private Docker engine for the deploy tier: dockerd with its own data root, exec root and unix
 * socket, so it never meets a system Docker. On these machines (tried on Debian 12 as root) the
 * kernel has overlay2 but iptables is not usable, hence --iptables=false --ip-forward=false
 * --ip-masq=false: containers still reach each other on compose's bridge and the host reaches
 * published loopback ports (docker-proxy), but not the outside; build steps that need the npm
 * registry or Debian's mirror therefore run with --network host.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { run } from './exec.ts';
import { DOCKER_CONFIG_DIR, ENGINE } from './paths.ts';
import type { Say } from './tools.ts';

export interface Engine {
  /** The environment every docker / compose call of the tier runs with. */
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<readonly string[]>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await waitUntil(`dockerd ${pid} to exit`, graceMs, () => !alive(pid));
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitUntil(`dockerd ${pid} to die`, 10_000, () => !alive(pid));
  }
}

/** Processes whose command line names our exec root: the engine's containerd and shims. */
function leftoverProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(ENGINE.execRoot) || cmdline.includes(ENGINE.dataRoot)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const linkExists = (name: string): boolean => existsSync(`/sys/class/net/${name}`);

/** Stops an engine a crashed earlier run left behind (its pid file is ours). */
async function stopStale(say: Say): Promise<void> {
  if (!existsSync(ENGINE.pidFile)) return;
  const pid = Number(readFileSync(ENGINE.pidFile, 'utf8').trim());
  const isOurs = (): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--pidfile=${ENGINE.pidFile}`);
    } catch {
      return false;
    }
  };
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && isOurs()) {
    say(`stopping the engine an earlier run left running (pid ${pid})`);
    await stopPid(pid, 30_000);
  }
  rmSync(ENGINE.pidFile, { force: true });
}

/**
 * One tier run per machine at a time: two would share the data root and socket, and the second
 * would take the first's engine for a stale one. The lock file holds the owner's pid; a lock whose
 * owner is gone is taken over.
 */
export async function acquireEngineLock(say: Say, waitMs = 20 * 60_000): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(ENGINE.lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(ENGINE.lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(ENGINE.lockFile, 'utf8').trim());
    if (!(Number.isInteger(owner) && owner > 0 && alive(owner))) {
      rmSync(ENGINE.lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`another deploy tier run (pid ${owner}) still holds ${ENGINE.lockFile}`);
    if (!told) say(`waiting for another deploy tier run (pid ${owner}) to finish with the engine`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** Deletes the engine's data root (images, build cache): a cold start. Hold the lock first. */
export async function wipeEngine(say: Say): Promise<void> {
  await stopStale(say);
  rmSync(ENGINE.dataRoot, { recursive: true, force: true });
}

/** Starts the private engine; the caller holds acquireEngineLock. */
export async function startEngine(logFile: string, say: Say): Promise<Engine> {
  await stopStale(say);
  for (const dir of [ENGINE.dataRoot, ENGINE.execRoot, dirname(logFile)]) mkdirSync(dir, { recursive: true });
  const hadBridge = linkExists('docker0');
  const log = openSync(logFile, 'a');
  const child = spawn(
    'dockerd',
    [
      `--data-root=${ENGINE.dataRoot}`,
      `--exec-root=${ENGINE.execRoot}`,
      `--pidfile=${ENGINE.pidFile}`,
      `--host=unix://${ENGINE.socket}`,
      '--storage-driver=overlay2',
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('dockerd did not start');
  try {
    await waitUntil('dockerd to answer on its socket', 60_000, async () => {
      if (!alive(pid)) throw new Error(`dockerd exited; see ${logFile}`);
      return ping(ENGINE.socket);
    });
  } catch (error) {
    await stopPid(pid, 10_000);
    throw error;
  }
  const env = { DOCKER_HOST: `unix://${ENGINE.socket}`, DOCKER_CONFIG: DOCKER_CONFIG_DIR };
  let stopped = false;
  return {
    env,
    pid,
    logFile,
    async stop() {
      if (stopped) return [];
      stopped = true;
      await stopPid(pid, 60_000);
      const notes: string[] = [];
      for (const left of leftoverProcesses()) {
        notes.push(`killed leftover engine process ${left}`);
        process.kill(left, 'SIGKILL');
      }
      // dockerd leaves its default bridge behind; it was not there before this run.
      if (!hadBridge && linkExists('docker0')) {
        await run('ip', ['link', 'delete', 'docker0'], { allowFailure: true });
        notes.push('removed the docker0 bridge the engine created');
      }
      rmSync(ENGINE.execRoot, { recursive: true, force: true });
      return notes;
    },
  };
}
