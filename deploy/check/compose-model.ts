/**
 * docker-compose.yml as the checks see it: parsed with YAML merge keys (`<<`), every string
 * interpolated the way `docker compose` would with no .env and no shell variables (the demo
 * case), and each service reduced to what the rules look at.
 */
import { parse } from 'yaml';
import { interpolate, interpolationErrors, type VariableUse, variableUses } from './interpolation.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ComposeService {
  readonly name: string;
  /** The service after interpolation. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** `services/<this>/src/main.ts` found in `command`, if any. */
  readonly workspaceService: string | undefined;
  readonly command: readonly string[];
  readonly environment: Env;
  readonly profiles: readonly string[];
  readonly builtHere: boolean;
}

export interface ComposeModel {
  /** The whole file after interpolation (what the schema validates). */
  readonly document: Record<string, unknown>;
  readonly services: readonly ComposeService[];
  readonly uses: readonly { readonly path: string; readonly use: VariableUse }[];
  readonly problems: readonly string[];
}

const ENTRY = /(?:^|\/)services\/([a-z0-9-]+)\/src\/main\.ts$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, path: string, visit: (text: string, path: string) => string): unknown {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, visit));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        walk(item, path === '' ? key : `${path}.${key}`, visit),
      ]),
    );
  }
  return value;
}

/** `environment` in either form (map or `KEY=VALUE` list); a bare key passes the host's value. */
export function toEnv(value: unknown): Record<string, string | undefined> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((item) => {
        const text = String(item);
        const at = text.indexOf('=');
        return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
      }),
    );
  }
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      item === null || item === undefined ? undefined : String(item),
    ]),
  );
}

export function toCommand(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/).filter((word) => word !== '') : [];
}

export function parseCompose(text: string, vars: Env = {}): ComposeModel {
  let raw: unknown;
  try {
    raw = parse(text, { merge: true });
  } catch (error) {
    return {
      document: {},
      services: [],
      uses: [],
      problems: [`docker-compose.yml: ${(error as Error).message}`],
    };
  }
  if (!isRecord(raw))
    return { document: {}, services: [], uses: [], problems: ['docker-compose.yml: not a mapping'] };
  const uses: { path: string; use: VariableUse }[] = [];
  const problems: string[] = [];
  const document = walk(raw, '', (textValue, path) => {
    for (const use of variableUses(textValue)) uses.push({ path, use });
    for (const error of interpolationErrors(textValue)) problems.push(`docker-compose.yml ${path}: ${error}`);
    const resolved = interpolate(textValue, (name) => vars[name]);
    for (const error of resolved.errors) problems.push(`docker-compose.yml ${path}: ${error}`);
    return resolved.value;
  }) as Record<string, unknown>;
  const services = Object.entries(isRecord(document.services) ? document.services : {}).map(
    ([name, value]): ComposeService => {
      const spec = isRecord(value) ? value : {};
      const command = toCommand(spec.command);
      const entry = command.map((word) => ENTRY.exec(word)?.[1]).find((found) => found !== undefined);
      return {
        name,
        spec,
        workspaceService: entry,
        command,
        environment: toEnv(spec.environment),
        profiles: Array.isArray(spec.profiles) ? spec.profiles.map(String) : [],
        builtHere: spec.build !== undefined,
      };
    },
  );
  return { document, services, uses, problems };
}

/** Paths of repository `.ts` files a command runs or preloads (`./deploy/x.ts` → `deploy/x.ts`). */
export function scriptPaths(words: readonly string[]): string[] {
  return words
    .filter((word) => /^(?:\.\/)?[\w.-]+(?:\/[\w.-]+)*\.ts$/.test(word))
    .map((word) => word.replace(/^\.\//, ''));
}
