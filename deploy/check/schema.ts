/**
 * Validates the interpolated compose document against the compose-spec JSON schema (vendored in
 * deploy/compose-spec/, see its README for source and version) with Ajv.
 */
import { Ajv } from 'ajv';

export function schemaProblems(document: unknown, schema: unknown): string[] {
  // The schema is draft-07 (Ajv's default draft). It names its meta-schema by an https URL Ajv
  // does not register, so the schema itself is not meta-validated; `strict: false` because it
  // uses annotations Ajv's strict mode flags (e.g. "deprecated").
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, validateFormats: false });
  const validate = ajv.compile(schema as object);
  if (validate(document)) return [];
  const seen = new Set<string>();
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
