/**
 * docker-compose.yml as `docker compose config --format json` prints it: parsed, merged,
 * interpolated and normalised by Compose itself (long forms everywhere), so the rules read
 * fields instead of re-implementing YAML merge keys, interpolation or short syntaxes.
 */

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string };
  readonly pull_policy?: string;
  readonly command?: readonly string[] | null;
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly profiles?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: { readonly test?: readonly string[]; readonly disable?: boolean };
  readonly ports?: readonly { readonly target: number; readonly published?: string }[];
  readonly volumes?: readonly { readonly type: string; readonly source?: string; readonly target: string }[];
  readonly container_name?: string;
}

export interface ComposeModel {
  readonly services: Readonly<Record<string, ComposeService>>;
}

const ENTRY = /(?:^|\/)services\/([a-z0-9-]+)\/src\/main\.ts$/;

/** The workspace service a container runs: `services/<name>/src/main.ts` in its command. */
export function workspaceServiceOf(service: ComposeService): string | undefined {
  for (const word of service.command ?? []) {
    const match = ENTRY.exec(word);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** Services that run redis-server (the bundled Redis). */
export function redisServices(model: ComposeModel): string[] {
  return Object.entries(model.services)
    .filter(([, service]) => service.command?.[0] === 'redis-server')
    .map(([name]) => name);
}

/** `--flag value` pairs of a command, as one string per pair (`--appendonly yes`). */
export function flagPairs(command: readonly string[] | null | undefined): Set<string> {
  const words = command ?? [];
  return new Set(words.slice(0, -1).map((word, i) => `${word} ${words[i + 1]}`));
}

/** Where a service's DATABASE_URL points, when that is a service of the file: the bundled PostgreSQL. */
export interface DatabaseLink {
  readonly client: string;
  readonly server: string;
  readonly url: URL;
}

export function databaseLinks(model: ComposeModel): DatabaseLink[] {
  return Object.entries(model.services).flatMap(([client, service]) => {
    const raw = service.environment?.DATABASE_URL;
    if (raw === undefined || raw === null || raw === '') return [];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return [];
    }
    return model.services[url.hostname] === undefined ? [] : [{ client, server: url.hostname, url }];
  });
}

export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, value ?? '']),
  );
}
