/**
 * Rules for docker-compose.yml that its JSON schema cannot express: scaling (no fixed names, no
 * host ports on the loader), health, Redis durability, documented variables, env keys each
 * service really reads, start order, profiles, and that every file a command runs is in the image.
 */
import { usesDemoToken } from '../demo-token.ts';
import { type ComposeModel, type ComposeService, isRecord, scriptPaths, toCommand } from './compose-model.ts';
import { entryProblems, type ImageView } from './dockerfile-rules.ts';
import { hasDefault } from './interpolation.ts';

export interface ComposeRuleInputs {
  readonly model: ComposeModel;
  readonly image: ImageView;
  /** Variables `.env.example` documents (set or commented out). */
  readonly documented: ReadonlySet<string>;
  /** The env keys each workspace service's config.ts reads. */
  readonly configKeys: Readonly<Record<string, ReadonlySet<string>>>;
  readonly readFile: (path: string) => string | undefined;
}

const SIMULATORS = new Set(['wdt-sim', 'k3cloud-sim']);

function healthProblems(service: ComposeService, image: ImageView): string[] {
  const health = service.spec.healthcheck;
  const test = isRecord(health) ? toCommand(health.test) : [];
  if (isRecord(health) && (health.disable === true || health.disable === 'true' || test[0] === 'NONE'))
    return [`${service.name}: its healthcheck is disabled`];
  if (isRecord(health) && test.length > 0) return [];
  if (service.builtHere && image.hasHealthcheck) return [];
  return [
    `${service.name}: no healthcheck (none in compose${service.builtHere ? ' nor in the Dockerfile' : ''})`,
  ];
}

function redisProblems(service: ComposeService): string[] {
  const command = ` ${toCommand(service.spec.command).join(' ')} `;
  const wanted = [
    ['--maxmemory-policy noeviction', 'BullMQ needs noeviction: an evicted lock breaks jobs'],
    ['--appendonly yes', 'without AOF a restart loses queued jobs'],
    ['--appendfsync everysec', 'fsync every second is the durability/speed point BullMQ advises'],
  ] as const;
  const problems: string[] = wanted
    .filter(([flag]) => !command.includes(` ${flag} `))
    .map(([flag, why]) => `${service.name}: command lacks ${flag} (${why})`);
  const volumes = Array.isArray(service.spec.volumes) ? service.spec.volumes : [];
  const dataMounted = volumes.some((volume) =>
    typeof volume === 'string'
      ? /:\/data(?::|$)/.test(volume)
      : isRecord(volume) && volume.target === '/data',
  );
  if (!dataMounted) problems.push(`${service.name}: no volume at /data, so the AOF dies with the container`);
  return problems;
}

function dependsOn(service: ComposeService): Record<string, string> {
  const value = service.spec.depends_on;
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), 'service_started']));
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([name, dep]) => [
      name,
      isRecord(dep) ? String(dep.condition) : 'service_started',
    ]),
  );
}

function variableProblems(inputs: ComposeRuleInputs): string[] {
  const problems: string[] = [];
  const byName = new Map<string, { paths: string[]; defaulted: boolean }>();
  for (const { path, use } of inputs.model.uses) {
    const entry = byName.get(use.name) ?? { paths: [], defaulted: true };
    entry.paths.push(path);
    entry.defaulted &&= hasDefault(use);
    byName.set(use.name, entry);
  }
  for (const [name, { paths, defaulted }] of byName) {
    if (inputs.documented.has(name)) continue;
    const where =
      paths.length > 2 ? `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more` : paths.join(', ');
    problems.push(
      defaulted
        ? `docker-compose.yml: \${${name}} (${where}) is not documented in .env.example`
        : `docker-compose.yml: \${${name}} (${where}) has no default and is not in .env.example, so compose substitutes ""`,
    );
  }
  const read = new Set(Object.values(inputs.configKeys).flatMap((keys) => [...keys]));
  for (const name of inputs.documented) {
    if (!byName.has(name) && !read.has(name))
      problems.push(`.env.example: ${name} is neither used by docker-compose.yml nor read by any service`);
  }
  return problems;
}

function serviceProblems(service: ComposeService, inputs: ComposeRuleInputs): string[] {
  const problems: string[] = [];
  const { name, spec, workspaceService } = service;
  const byName = new Map(inputs.model.services.map((s) => [s.name, s]));
  if (spec.container_name !== undefined)
    problems.push(`${name}: container_name is set, so the service cannot be scaled or run twice`);
  if (workspaceService === 'loader' && spec.ports !== undefined)
    problems.push(`${name}: publishes host ports, so \`--scale ${name}=N\` would collide`);
  problems.push(...healthProblems(service, inputs.image));
  if (typeof spec.image === 'string' && /^(?:.*\/)?redis:/.test(spec.image))
    problems.push(...redisProblems(service));
  if (service.builtHere && workspaceService === undefined)
    problems.push(`${name}: built from the Dockerfile but its command runs no services/<name>/src/main.ts`);
  const keys = workspaceService === undefined ? undefined : inputs.configKeys[workspaceService];
  if (workspaceService !== undefined && keys === undefined)
    problems.push(`${name}: runs services/${workspaceService}, which has no config.ts the check can read`);
  for (const key of Object.keys(service.environment)) {
    if (keys !== undefined && !keys.has(key))
      problems.push(
        `${name}: environment sets ${key}, which services/${workspaceService}/src/config.ts does not read`,
      );
  }
  const deps = dependsOn(service);
  const redis = inputs.model.services.find(
    (s) => typeof s.spec.image === 'string' && s.spec.image.includes('redis:'),
  );
  if (keys?.has('REDIS_URL') && redis !== undefined && deps[redis.name] !== 'service_healthy')
    problems.push(
      `${name}: must depend on ${redis.name} with condition service_healthy (BullMQ needs Redis up)`,
    );
  for (const dep of Object.keys(deps)) {
    const target = byName.get(dep);
    if (target === undefined) problems.push(`${name}: depends on unknown service ${dep}`);
    else if (service.profiles.length === 0 && target.profiles.length > 0)
      problems.push(
        `${name}: runs without a profile but depends on ${dep}, which only runs in ${target.profiles.join(', ')}`,
      );
  }
  if (
    workspaceService !== undefined &&
    SIMULATORS.has(workspaceService) &&
    !service.profiles.includes('demo')
  )
    problems.push(`${name}: a simulator must run only under the demo profile`);
  if (
    !SIMULATORS.has(workspaceService ?? '') &&
    service.profiles.length > 0 &&
    workspaceService !== undefined
  )
    problems.push(`${name}: must run without a profile so production starts it`);
  if (service.builtHere) {
    for (const script of scriptPaths(service.command))
      problems.push(...entryProblems(inputs.image, script, inputs.readFile, `${name}: command`));
    const health = isRecord(spec.healthcheck) ? toCommand(spec.healthcheck.test) : [];
    for (const script of scriptPaths(health))
      problems.push(...entryProblems(inputs.image, script, inputs.readFile, `${name}: healthcheck`));
  }
  const tokens = service.environment.ADMIN_TOKENS;
  if (tokens !== undefined && tokens !== '') {
    if (!usesDemoToken(tokens))
      problems.push(
        `${name}: ADMIN_TOKENS has a default that is not the demo token, so a real secret is in the file`,
      );
    else if (!service.command.some((word) => word.endsWith('refuse-demo-token.ts')))
      problems.push(`${name}: falls back to the demo token but does not preload deploy/refuse-demo-token.ts`);
  }
  return problems;
}

export function checkComposeRules(inputs: ComposeRuleInputs): string[] {
  return [
    ...inputs.model.services.flatMap((service) => serviceProblems(service, inputs)),
    ...variableProblems(inputs),
  ];
}
