/**
 * The repository as the checks see it: a list of file paths (relative, `/`-separated), globbed
 * the way Dockerfile sources are (`*` and `?` within a segment), and the files a TypeScript entry
 * point reaches through relative imports.
 */
import { dirname, posix } from 'node:path';

function globRegex(glob: string): RegExp {
  const body = glob
    .split('')
    .map((char) =>
      char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

export function normalize(path: string): string {
  return posix.normalize(path.replace(/^\.\//, '')).replace(/\/$/, '');
}

/** Files a source names: the file itself, everything under a folder, or the glob's matches. */
export function filesMatching(files: readonly string[], source: string): string[] {
  const path = normalize(source);
  if (path === '.') return [...files];
  if (/[*?[]/.test(path)) {
    const regex = globRegex(path);
    return files.filter((file) => {
      const segments = file.split('/');
      // A glob may name a folder: everything below a matching prefix counts.
      return segments.some((_, i) => regex.test(segments.slice(0, i + 1).join('/')));
    });
  }
  return files.filter((file) => file === path || file.startsWith(`${path}/`));
}

const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** `entry` and every file it reaches through relative imports (package imports are not followed). */
export function importClosure(entry: string, readFile: (path: string) => string | undefined): string[] {
  const seen = new Set<string>();
  const pending = [normalize(entry)];
  while (pending.length > 0) {
    const path = pending.pop() ?? '';
    if (seen.has(path)) continue;
    seen.add(path);
    const text = readFile(path);
    if (text === undefined) continue;
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      const target = match[1];
      if (target !== undefined) pending.push(normalize(posix.join(dirname(path), target)));
    }
  }
  return [...seen];
}
