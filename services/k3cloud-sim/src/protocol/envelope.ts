/**
 * The four request envelopes of the reference (§1.1), reduced to positional arguments:
 * A named (`{"formid":..,"data":..}`), B `{"parameters":[..]}`, C the legacy ApiClient envelope
 * (`parameters` is a JSON string of the array, plus format/useragent/rid/v), D `parameters` as a
 * JSON string. K3 binds `parameters` by position and names case-insensitively.
 */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

export function parseBody(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  const value = typeof raw === 'string' ? parseJson(raw, 'request body') : raw;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EnvelopeError('request body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Positional arguments for a service whose parameters are named `names` (lower-case), in order. */
export function argumentsOf(body: Record<string, unknown>, names: readonly string[]): unknown[] {
  const parameters = findKey(body, 'parameters');
  if (parameters !== undefined) {
    const list = typeof parameters === 'string' ? parseJson(parameters, 'parameters') : parameters;
    if (!Array.isArray(list)) throw new EnvelopeError('parameters is not an array');
    return list;
  }
  return names.map((name) => findKey(body, name));
}

/** A `data` argument: an object, or a JSON string of one (Java SDK, PHP clients). */
export function dataObject(value: unknown, what = 'data'): Record<string, unknown> {
  const parsed = typeof value === 'string' ? parseJson(value, what) : value;
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new EnvelopeError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function findKey(object: Record<string, unknown>, key: string): unknown {
  if (key in object) return object[key];
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(object)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** K3's booleans arrive as JSON booleans or as "true"/"True"/"false" strings. */
export function asBoolean(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.trim() !== '') return value.trim().toLowerCase() === 'true';
  return fallback;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new EnvelopeError(`${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
