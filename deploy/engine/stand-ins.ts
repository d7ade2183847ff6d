/**
 * Stand-in base images, built locally because Docker Hub is unreachable here: Debian bookworm
 * from debootstrap (tagged debian:bookworm-slim), Node 24 on it (tagged as the Dockerfile's
 * NODE_IMAGE default), Debian's redis-server (tagged as compose's Redis image) and Debian's
 * PostgreSQL 15 (tagged as compose's PostgreSQL image). They are tagged
 * with the real names so the Dockerfile and docker-compose.yml run unchanged, and only ever inside
 * the tier's private engine. Each carries a label naming its inputs; an image whose label matches
 * is reused, so a warm run rebuilds nothing.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.ts';
import { DEBIAN_MIRROR, STAND_IN_DIR } from './paths.ts';
import type { Say } from './tools.ts';

const HERE = join(import.meta.dirname, '..', 'stand-ins');
const LABEL = 'wdt-k3.stand-in';
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';
const DEBIAN_IMAGE = 'debian:bookworm-slim';

export interface StandInTargets {
  /** The Dockerfile's NODE_IMAGE default. */
  readonly nodeImage: string;
  /** docker-compose.yml's Redis image. */
  readonly redisImage: string;
  /** docker-compose.yml's PostgreSQL image. */
  readonly postgresImage: string;
}

interface Context {
  readonly env: Readonly<Record<string, string>>;
  readonly say: Say;
  readonly logFile: string;
}

const sha = (...parts: (string | Buffer)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
};

async function labelOf(ctx: Context, image: string): Promise<string | undefined> {
  const out = await run(
    'docker',
    ['image', 'inspect', '--format', `{{ index .Config.Labels "${LABEL}" }}`, image],
    {
      env: ctx.env,
      allowFailure: true,
    },
  );
  return out.code === 0 ? out.stdout.trim() : undefined;
}

/** debootstrap --variant=minbase bookworm, trimmed of apt lists and caches, as one tarball (cached). */
async function debianTarball(ctx: Context): Promise<string> {
  const tarball = join(STAND_IN_DIR, 'debian-bookworm-minbase.tar');
  if (existsSync(tarball)) return tarball;
  mkdirSync(STAND_IN_DIR, { recursive: true });
  const rootfs = join(STAND_IN_DIR, 'rootfs.tmp');
  rmSync(rootfs, { recursive: true, force: true });
  ctx.say(`debootstrap --variant=minbase bookworm (${DEBIAN_MIRROR})`);
  await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR], {
    logFile: ctx.logFile,
    timeoutMs: 600_000,
  });
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists'])
    for (const entry of readdirSync(join(rootfs, dir)))
      if (entry !== 'partial' && entry !== 'lock')
        rmSync(join(rootfs, dir, entry), { recursive: true, force: true });
  await run('tar', ['-C', rootfs, '-cf', `${tarball}.tmp`, '.'], { timeoutMs: 300_000 });
  renameSync(`${tarball}.tmp`, tarball);
  rmSync(rootfs, { recursive: true, force: true });
  return tarball;
}

async function debianStandIn(ctx: Context): Promise<string> {
  const tarball = await debianTarball(ctx);
  const { size, mtimeMs } = statSync(tarball);
  const key = sha('debian', String(size), String(mtimeMs));
  if ((await labelOf(ctx, DEBIAN_IMAGE)) !== key) {
    await run(
      'docker',
      ['import', '--change', 'CMD ["bash"]', '--change', `LABEL ${LABEL}=${key}`, tarball, DEBIAN_IMAGE],
      { env: ctx.env, timeoutMs: 300_000 },
    );
  }
  return key;
}

/** The newest cached `<name>-<version>.tgz`, fetched with `npm pack <spec>` when there is none. */
async function npmTarball(ctx: Context, name: string, spec: string): Promise<string> {
  const find = (): string | undefined =>
    readdirSync(STAND_IN_DIR)
      .filter((file) => file.startsWith(`${name}-`) && file.endsWith('.tgz'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .at(-1);
  const cached = find();
  if (cached !== undefined) return join(STAND_IN_DIR, cached);
  ctx.say(`npm pack ${spec}`);
  await run('npm', ['pack', spec, '--silent', '--pack-destination', STAND_IN_DIR], { timeoutMs: 300_000 });
  const fetched = find();
  if (fetched === undefined) throw new Error(`npm pack ${spec} left no tarball in ${STAND_IN_DIR}`);
  return join(STAND_IN_DIR, fetched);
}

async function buildImage(
  ctx: Context,
  tag: string,
  key: string,
  context: string,
  extra: string[] = [],
): Promise<void> {
  await run('docker', ['build', ...extra, '--label', `${LABEL}=${key}`, '--tag', tag, context], {
    env: ctx.env,
    logFile: ctx.logFile,
    timeoutMs: 600_000,
  });
}

async function nodeStandIn(ctx: Context, tag: string, debianKey: string): Promise<string> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const nodeTgz = await npmTarball(ctx, `node-linux-${arch}`, `node-linux-${arch}@24`);
  const npmTgz = await npmTarball(ctx, 'npm', 'npm@11');
  const dockerfile = readFileSync(join(HERE, 'node.Dockerfile'));
  const key = sha('node', debianKey, nodeTgz, npmTgz, dockerfile, readFileSync(HOST_CA));
  if ((await labelOf(ctx, tag)) !== key) {
    const context = mkdtempSync(join(STAND_IN_DIR, 'node-context-'));
    try {
      await run('tar', ['-xzf', nodeTgz, '-C', context, '--strip-components=2', 'package/bin/node']);
      mkdirSync(join(context, 'npm'));
      await run('tar', ['-xzf', npmTgz, '-C', join(context, 'npm'), '--strip-components=1']);
      copyFileSync(HOST_CA, join(context, 'host-ca-certificates.crt'));
      copyFileSync(join(HERE, 'node.Dockerfile'), join(context, 'Dockerfile'));
      await buildImage(ctx, tag, key, context);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
  return `${nodeTgz.split('/').at(-1)}, ${npmTgz.split('/').at(-1)}`;
}

async function redisStandIn(ctx: Context, tag: string, debianKey: string): Promise<void> {
  const files = ['redis.Dockerfile', 'redis-entrypoint.sh'].map((file) => readFileSync(join(HERE, file)));
  const key = sha('redis', debianKey, ...files);
  if ((await labelOf(ctx, tag)) === key) return;
  // apt-get inside the build needs Debian's mirror, which only the host network reaches here.
  await buildImage(ctx, tag, key, HERE, ['--network', 'host', '--file', join(HERE, 'redis.Dockerfile')]);
}

async function postgresStandIn(ctx: Context, tag: string, debianKey: string): Promise<void> {
  const files = ['postgres.Dockerfile', 'postgres-entrypoint.sh'].map((file) =>
    readFileSync(join(HERE, file)),
  );
  const key = sha('postgres', debianKey, ...files);
  if ((await labelOf(ctx, tag)) === key) return;
  await buildImage(ctx, tag, key, HERE, ['--network', 'host', '--file', join(HERE, 'postgres.Dockerfile')]);
}

/** Builds (or reuses) the four stand-ins; returns one line per image saying what it really is. */
export async function buildStandIns(
  targets: StandInTargets,
  env: Readonly<Record<string, string>>,
  say: Say,
  logFile: string,
): Promise<string[]> {
  const ctx: Context = { env, say, logFile };
  mkdirSync(STAND_IN_DIR, { recursive: true });
  const debianKey = await debianStandIn(ctx);
  const nodeInputs = await nodeStandIn(ctx, targets.nodeImage, debianKey);
  await redisStandIn(ctx, targets.redisImage, debianKey);
  await postgresStandIn(ctx, targets.postgresImage, debianKey);
  const inside = async (image: string, command: string): Promise<string> =>
    (await run('docker', ['run', '--rm', '--entrypoint', 'sh', image, '-c', command], { env })).stdout.trim();
  const nodeVersions = await inside(targets.nodeImage, 'echo "node $(node -v), npm $(npm -v)"');
  const redisVersion = await inside(targets.redisImage, 'redis-server --version | cut -d" " -f1-3');
  const postgres = await inside(
    targets.postgresImage,
    'echo "$(postgres --version | sed "s/^postgres (PostgreSQL) //"), as $(id -un) $(id -u), PGDATA $PGDATA"',
  );
  return [
    `${DEBIAN_IMAGE} = debootstrap --variant=minbase bookworm, docker import`,
    `${targets.nodeImage} = that + ${nodeVersions} (${nodeInputs}) + the host's CA bundle as NODE_EXTRA_CA_CERTS`,
    `${targets.redisImage} = that + Debian bookworm's ${redisVersion} (not Alpine), as user redis`,
    `${targets.postgresImage} = that + Debian bookworm's PostgreSQL ${postgres} (not 18)`,
  ];
}
