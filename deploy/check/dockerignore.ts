/**
 * `.dockerignore` matching as Docker's builder does it (moby/patternmatcher): patterns are
 * cleaned paths relative to the context, `*` and `?` stay within one path segment, `**` spans
 * any number of segments, a pattern that matches a parent folder matches everything below it,
 * `!` re-includes, and the last matching pattern wins.
 */
interface Pattern {
  readonly negated: boolean;
  readonly regex: RegExp;
}

function toRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? '';
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function clean(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

export function parseDockerignore(text: string): Pattern[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      return { negated, regex: toRegex(clean(negated ? line.slice(1).trim() : line)) };
    });
}

/** True when the builder leaves `path` (relative to the context) out of the build context. */
export function isIgnored(patterns: readonly Pattern[], path: string): boolean {
  const segments = clean(path).split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) ignored = !pattern.negated;
  }
  return ignored;
}
