import { prettyJson } from './format.ts';

export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

/** Colours only on a terminal (config decides: a TTY, no NO_COLOR, TERM not dumb). */
export function createStyle(color: boolean): Style {
  return color
    ? { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) }
    : { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };
}

export interface TextSink {
  write(text: string): unknown;
}

export interface Output {
  readonly style: Style;
  /** Lines for people and the results scripts read, on stdout. */
  lines(lines: readonly string[]): void;
  line(text?: string): void;
  /** A JSON document on stdout (--json). */
  json(value: unknown): void;
  /** Errors, warnings and --verbose on stderr. */
  error(lines: readonly string[]): void;
}

/**
 * Shorter values are no admin token (those are ≥ 32 characters), and blanking every `a` of the
 * output because someone set the token to `a` would make it unreadable.
 */
const MIN_SECRET_LENGTH = 8;

/**
 * Every byte goes through `redact`, which blanks the secrets given: the token must not appear
 * in any output, even if an answer or an error message ever echoed it.
 */
export function createOutput(
  stdout: TextSink,
  stderr: TextSink,
  style: Style,
  secrets: readonly string[],
): Output {
  const known = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  const redact = (text: string): string =>
    known.reduce((result, secret) => result.replaceAll(secret, '[redacted]'), text);
  const write = (sink: TextSink, lines: readonly string[]): void => {
    if (lines.length > 0) sink.write(redact(`${lines.join('\n')}\n`));
  };
  return {
    style,
    lines: (lines) => write(stdout, lines),
    line: (text = '') => write(stdout, [text]),
    json: (value) => write(stdout, [prettyJson(value)]),
    error: (lines) => write(stderr, lines),
  };
}
