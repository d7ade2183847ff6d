/**
 * One compose project on the tier's engine: `docker compose` with the project's files and
 * environment, and what the engine says about its containers (docker inspect), so checks read
 * real state: health, replicas, exit codes, users.
 */
import { type RunResult, run } from '../engine/exec.ts';

export interface ContainerState {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly running: boolean;
  /** `healthy`, `starting`, `unhealthy`, or `none` without a healthcheck. */
  readonly health: string;
  readonly exitCode: number;
  readonly restartCount: number;
  readonly user: string;
}

export interface Stack {
  readonly project: string;
  readonly dir: string;
  compose(args: readonly string[], timeoutMs?: number, allowFailure?: boolean): Promise<RunResult>;
  docker(args: readonly string[], timeoutMs?: number, allowFailure?: boolean): Promise<RunResult>;
  /** Every service of the file under the demo profile, from Compose itself. */
  services(): Promise<string[]>;
  containers(options?: { all?: boolean }): Promise<ContainerState[]>;
}

export interface StackOptions {
  readonly dir: string;
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

interface Inspected {
  Id: string;
  Name: string;
  RestartCount: number;
  Config: { User: string; Labels: Record<string, string> };
  State: { Running: boolean; ExitCode: number; Health?: { Status: string } };
}

export function openStack(options: StackOptions, project: string): Stack {
  const docker = (args: readonly string[], timeoutMs = 120_000, allowFailure = false): Promise<RunResult> =>
    run('docker', args, {
      env: options.env,
      cwd: options.dir,
      logFile: options.logFile,
      timeoutMs,
      allowFailure,
    });
  const fileArgs = options.files.flatMap((file) => ['--file', file]);
  const compose = (args: readonly string[], timeoutMs = 300_000, allowFailure = false): Promise<RunResult> =>
    docker(
      ['compose', '--project-directory', options.dir, ...fileArgs, '--profile', 'demo', ...args],
      timeoutMs,
      allowFailure,
    );
  return {
    project,
    dir: options.dir,
    compose,
    docker,
    async services() {
      return (await compose(['config', '--services'])).stdout.split('\n').filter((line) => line !== '');
    },
    async containers({ all = false } = {}) {
      const ids = (
        await docker([
          'ps',
          '--quiet',
          '--no-trunc',
          ...(all ? ['--all'] : []),
          '--filter',
          `label=com.docker.compose.project=${project}`,
        ])
      ).stdout
        .split('\n')
        .filter((id) => id !== '');
      if (ids.length === 0) return [];
      const inspected = JSON.parse((await docker(['inspect', ...ids])).stdout) as Inspected[];
      return inspected.map((c) => ({
        id: c.Id,
        name: c.Name.replace(/^\//, ''),
        service: c.Config.Labels['com.docker.compose.service'] ?? '',
        running: c.State.Running,
        health: c.State.Health?.Status ?? 'none',
        exitCode: c.State.ExitCode,
        restartCount: c.RestartCount,
        user: c.Config.User,
      }));
    },
  };
}

/**
 * Every service of the compose file (generic: a postgres or ledger added later counts too) has
 * `replicas[service] ?? 1` running containers, all healthy. Returns the problems, none if so.
 */
export async function unhealthyServices(
  stack: Stack,
  replicas: Readonly<Record<string, number>> = {},
): Promise<string[]> {
  const containers = await stack.containers();
  const problems: string[] = [];
  for (const service of await stack.services()) {
    const mine = containers.filter((c) => c.service === service && c.running);
    const want = replicas[service] ?? 1;
    if (mine.length !== want) problems.push(`${service}: ${mine.length} running, want ${want}`);
    for (const c of mine) if (c.health !== 'healthy') problems.push(`${c.name}: ${c.health}`);
  }
  return problems;
}
