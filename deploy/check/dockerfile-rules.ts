/**
 * Dockerfile checks: every context path it copies exists and reaches the build context, every
 * `--from` names an earlier stage, the final stage runs as a non-root user with a HEALTHCHECK,
 * the files its commands run are in the image, and the pnpm it installs is the pinned one.
 */

import { commandText, parseCopy, parseStages, type Stage } from './dockerfile.ts';
import { isIgnored, parseDockerignore } from './dockerignore.ts';
import { filesMatching, importClosure, normalize } from './repo-files.ts';

export interface ImageView {
  readonly stages: readonly Stage[];
  readonly globalArgs: ReadonlyMap<string, string>;
  /** The final stage declares a HEALTHCHECK other than NONE. */
  readonly hasHealthcheck: boolean;
  /** Why `path` (or every match of a `*` pattern) would be missing from the image; undefined if present. */
  missing(path: string): string | undefined;
}

export function readImage(dockerfile: string, dockerignore: string, files: readonly string[]): ImageView {
  const { globalArgs, stages } = parseStages(dockerfile);
  const ignore = parseDockerignore(dockerignore);
  const copied = stages.flatMap((stage) =>
    stage.instructions.flatMap((instruction) => {
      const copy = parseCopy(instruction);
      return copy === undefined || copy.from !== undefined ? [] : copy.sources;
    }),
  );
  const final = stages.at(-1);
  const healthcheck = final?.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  const missingOne = (file: string): string | undefined => {
    if (!files.includes(file)) return 'does not exist';
    if (isIgnored(ignore, file)) return 'is excluded by .dockerignore';
    if (!copied.some((source) => filesMatching([file], source).length > 0))
      return 'is not copied by the Dockerfile';
    return undefined;
  };
  return {
    stages,
    globalArgs,
    hasHealthcheck: healthcheck !== undefined && !/^NONE\b/i.test(healthcheck.args.trim()),
    missing(path) {
      const wanted = normalize(path);
      if (!wanted.includes('*')) return missingOne(wanted);
      const matches = filesMatching(files, wanted);
      if (matches.length === 0) return 'matches no file';
      return matches.every((file) => missingOne(file) !== undefined)
        ? 'has no match in the image'
        : undefined;
    },
  };
}

/** `${…}` expressions (brace-matched) become `*`, so a templated path can still be matched. */
function untemplate(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j += 1) {
        if (text[j] === '{') depth += 1;
        if (text[j] === '}' && --depth === 0) break;
      }
      out += '*';
      i = j;
    } else out += text[i];
  }
  return out;
}

const RUN_PATH = /(?:^|[\s"'=])(?:\.\/)?((?:services|packages|deploy|scripts)\/[^\s"']+\.ts)\b/g;

/** Repository `.ts` paths a command text runs or preloads, templated parts as `*`. */
export function commandPaths(text: string): string[] {
  return [...untemplate(text).matchAll(RUN_PATH)].map((match) => match[1] ?? '');
}

/** Problems for each file `entry` runs (itself and its relative imports) that the image lacks. */
export function entryProblems(
  image: ImageView,
  entry: string,
  readFile: (path: string) => string | undefined,
  where: string,
): string[] {
  const first = image.missing(entry);
  if (first !== undefined) return [`${where} runs ${entry}, which ${first}`];
  if (entry.includes('*')) return [];
  return importClosure(entry, readFile)
    .slice(1)
    .flatMap((file) => {
      const why = image.missing(file);
      return why === undefined ? [] : [`${where} runs ${entry}, which imports ${file}, which ${why}`];
    });
}

const ROOT_USERS = new Set(['root', '0', 'root:root', '0:0', 'root:0', '0:root']);
const MUST_IGNORE = ['.env', '.git', 'node_modules', 'services/loader/.env', 'packages/runtime/node_modules'];

export interface DockerfileInputs {
  readonly dockerignore: string;
  readonly files: readonly string[];
  readonly readFile: (path: string) => string | undefined;
  /** package.json `packageManager`, e.g. `pnpm@12.4.2`. */
  readonly packageManager: string | undefined;
}

export function checkDockerfile(image: ImageView, inputs: DockerfileInputs): string[] {
  const problems: string[] = [];
  const final = image.stages.at(-1);
  if (final === undefined) return ['Dockerfile: no FROM'];
  const ignore = parseDockerignore(inputs.dockerignore);
  for (const stage of image.stages) {
    for (const instruction of stage.instructions) {
      const at = `Dockerfile:${instruction.line}`;
      const copy = parseCopy(instruction);
      if (copy?.from !== undefined) {
        const earlier = image.stages.slice(0, stage.index);
        const known = earlier.some(
          (s) => s.name === copy.from?.toLowerCase() || String(s.index) === copy.from,
        );
        if (!known) problems.push(`${at}: ${copy.keyword} --from=${copy.from} names no earlier stage`);
      } else if (copy !== undefined) {
        for (const source of copy.sources) {
          const matches = filesMatching(inputs.files, source);
          if (matches.length === 0) problems.push(`${at}: ${copy.keyword} source "${source}" does not exist`);
          else if (matches.every((file) => isIgnored(ignore, file)))
            problems.push(`${at}: ${copy.keyword} source "${source}" is excluded by .dockerignore`);
        }
      }
      const pnpm = /^PNPM_VERSION=(\S+)$/.exec(instruction.keyword === 'ARG' ? instruction.args : '')?.[1];
      const pinned = inputs.packageManager?.replace(/^pnpm@/, '');
      if (pnpm !== undefined && pinned !== undefined && pnpm !== pinned)
        problems.push(`${at}: PNPM_VERSION ${pnpm} differs from package.json packageManager pnpm@${pinned}`);
    }
  }
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1);
  if (user === undefined) problems.push('Dockerfile: the final stage sets no USER, so it runs as root');
  else if (ROOT_USERS.has(user.args.trim()))
    problems.push(`Dockerfile:${user.line}: the final stage runs as root (USER ${user.args.trim()})`);
  if (!image.hasHealthcheck) problems.push('Dockerfile: the final stage has no HEALTHCHECK');
  for (const instruction of final.instructions) {
    const text = commandText(instruction);
    if (text === undefined) continue;
    for (const path of commandPaths(text))
      problems.push(
        ...entryProblems(
          image,
          path,
          inputs.readFile,
          `Dockerfile:${instruction.line} ${instruction.keyword}`,
        ),
      );
  }
  for (const path of MUST_IGNORE)
    if (!isIgnored(ignore, path)) problems.push(`.dockerignore: ${path} would reach the build context`);
  return problems;
}
