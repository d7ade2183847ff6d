/**
 * Everything `pnpm check:deploy` checks, as one function over texts: no Docker engine, no file
 * system, no network. deploy/check-deploy.ts reads the repository and prints the report.
 */
import { parseCompose } from './compose-model.ts';
import { checkComposeRules } from './compose-rules.ts';
import { type ConfigValidator, checkDemoWiring } from './demo-wiring.ts';
import { checkDockerfile, readImage } from './dockerfile-rules.ts';
import { schemaProblems } from './schema.ts';

export interface ServiceConfig {
  /** Every env key the service's config.ts reads. */
  readonly keys: ReadonlySet<string>;
  readonly validate: ConfigValidator;
}

export interface DeployInputs {
  readonly compose: string;
  readonly dockerfile: string;
  readonly dockerignore: string;
  readonly envExample: string;
  readonly composeSchema: unknown;
  readonly packageManager: string | undefined;
  /** Repository files, relative and `/`-separated. */
  readonly files: readonly string[];
  readonly readFile: (path: string) => string | undefined;
  /** By workspace service name (`services/<name>`). */
  readonly services: Readonly<Record<string, ServiceConfig>>;
}

export interface DeployReport {
  readonly checked: readonly string[];
  readonly problems: readonly string[];
}

/** Names `.env.example` documents: `NAME=…` lines, set or commented out (`# NAME=…`). */
export function documentedVariables(envExample: string): Set<string> {
  return new Set(
    [...envExample.matchAll(/^[ \t]*#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? ''),
  );
}

export function checkDeploy(inputs: DeployInputs): DeployReport {
  const model = parseCompose(inputs.compose);
  const image = readImage(inputs.dockerfile, inputs.dockerignore, inputs.files);
  const configKeys = Object.fromEntries(Object.entries(inputs.services).map(([name, s]) => [name, s.keys]));
  const validators = Object.fromEntries(
    Object.entries(inputs.services).map(([name, s]) => [name, s.validate]),
  );
  const problems = [
    ...model.problems,
    ...(model.services.length === 0 ? [] : schemaProblems(model.document, inputs.composeSchema)),
    ...checkComposeRules({
      model,
      image,
      documented: documentedVariables(inputs.envExample),
      configKeys,
      readFile: inputs.readFile,
    }),
    ...checkDemoWiring(model.services, validators),
    ...checkDockerfile(image, inputs),
  ];
  const names = model.services.map((s) => s.name).join(', ');
  const checked = [
    `docker-compose.yml parses and matches the compose-spec schema (services: ${names || 'none'})`,
    'compose rules: no container_name, no host ports on the loader, a healthcheck per service, Redis noeviction + AOF everysec + /data volume, start order, profiles',
    'every interpolated compose variable is documented in .env.example, and every .env.example entry is used or read by a service',
    `every environment key is read by the service's config.ts (${Object.keys(inputs.services).join(', ')})`,
    'demo with no .env: each config loads, the admin demo-token guard passes, clients reach their simulators with matching credentials and dataset',
    `Dockerfile (${image.stages.length} stages): COPY sources exist and pass .dockerignore, --from names earlier stages, non-root USER, HEALTHCHECK, run paths in the image, pnpm pinned as packageManager`,
    '.dockerignore keeps .env, .git and node_modules out of the build context',
  ];
  return { checked, problems };
}
