/**
 * Where the deploy tier keeps what outlives a run, all outside the repository: downloaded tools
 * and stand-in inputs under the cache dir, and the private engine's own data root and socket, so
 * nothing collides with a system Docker or another engineer's runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

const env = process.env;

/** `~/.cache/wdt-k3-sync/deploy` (override: WDT_K3_DEPLOY_CACHE). */
export const CACHE_DIR =
  env.WDT_K3_DEPLOY_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wdt-k3-sync', 'deploy');

/** A private DOCKER_CONFIG: its cli-plugins/ holds Compose v2 and buildx from Debian trixie. */
export const DOCKER_CONFIG_DIR = join(CACHE_DIR, 'docker-config');
export const PLUGINS_DIR = join(DOCKER_CONFIG_DIR, 'cli-plugins');
export const COMPOSE_PLUGIN = join(PLUGINS_DIR, 'docker-compose');

/** The private apt state used to fetch trixie's plugins without touching the machine's sources. */
export const APT_DIR = join(CACHE_DIR, 'apt-trixie');

/** debootstrap's bookworm tarball and the npm tarballs the stand-in images are built from. */
export const STAND_IN_DIR = join(CACHE_DIR, 'stand-ins');

/** The private engine: images and build cache stay here between runs (delete it for a cold run). */
export const ENGINE = {
  dataRoot: env.WDT_K3_DOCKER_DATA_ROOT ?? '/var/lib/wdt-k3-docker',
  execRoot: '/run/wdt-k3-docker',
  socket: env.WDT_K3_DOCKER_SOCKET ?? '/run/wdt-k3-docker.sock',
  pidFile: '/run/wdt-k3-docker.pid',
  lockFile: '/run/wdt-k3-docker.lock',
} as const;

/** Debian's mirror for apt and debootstrap (override: WDT_K3_DEBIAN_MIRROR). */
export const DEBIAN_MIRROR = env.WDT_K3_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
