import { parseArgs } from 'node:util';
import type { CommandSpec, OptionSpecs, OptionValue, ParsedArgs } from './commands/types.ts';
import { DEFAULT_ADMIN_URL, DEFAULT_TIMEOUT_MS } from './config.ts';
import { UsageError } from './errors.ts';

/** Options every command takes, before or after the command words. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  url: {
    type: 'string',
    value: 'URL',
    description: `admin API base URL (env WDT_K3_ADMIN_URL; default ${DEFAULT_ADMIN_URL})`,
  },
  token: {
    type: 'string',
    value: 'TOKEN',
    description: 'bearer token (env WDT_K3_ADMIN_TOKEN, preferred: a flag shows in ps)',
  },
  'timeout-ms': {
    type: 'string',
    value: 'MS',
    description: `give up on an answer after MS ms (env WDT_K3_ADMIN_TIMEOUT_MS; default ${DEFAULT_TIMEOUT_MS})`,
  },
  json: { type: 'boolean', description: "print the admin API's JSON answer unchanged (for scripts, jq)" },
  verbose: {
    type: 'boolean',
    short: 'v',
    description: 'print each request (method, URL, status, time) on stderr; never the token',
  },
  help: { type: 'boolean', short: 'h', description: 'help for the tool or a command' },
};

export type Resolved =
  | { readonly kind: 'help'; readonly topic: readonly string[] }
  | { readonly kind: 'command'; readonly command: CommandSpec; readonly rest: readonly string[] }
  | { readonly kind: 'none' };

const samePath = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((word, index) => b[index] === word);
const startsWith = (path: readonly string[], prefix: readonly string[]): boolean =>
  prefix.every((word, index) => path[index] === word);

function globalOptionTakingValue(token: string): boolean | null {
  if (token.includes('=')) return false;
  const name = token.startsWith('--')
    ? token.slice(2)
    : Object.entries(GLOBAL_OPTIONS).find(([, spec]) => `-${spec.short}` === token)?.[0];
  const spec = name === undefined ? undefined : GLOBAL_OPTIONS[name];
  return spec === undefined ? null : spec.type === 'string';
}

interface Scan {
  readonly words: string[];
  readonly rest: string[];
  helpWord: boolean;
}

/**
 * Splits argv into the command words and the rest. Global options may come before the command
 * (`wdt-k3 --json status`); the words end at the first token that does not extend a command path.
 */
function scan(argv: readonly string[], commands: readonly CommandSpec[]): Scan {
  const result: Scan = { words: [], rest: [], helpWord: false };
  let open = true;
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (!open || token === '--') {
      open = false;
      result.rest.push(token);
    } else if (token.startsWith('-') && token !== '-') {
      result.rest.push(token);
      const takesValue = globalOptionTakingValue(token);
      if (takesValue === null) open = false;
      else if (takesValue && index + 1 < argv.length) {
        index += 1;
        result.rest.push(argv[index] ?? '');
      }
    } else if (token === 'help' && result.words.length === 0 && !result.helpWord) {
      result.helpWord = true;
    } else if (
      !commands.some((command) => samePath(command.path, result.words)) &&
      commands.some((command) => startsWith(command.path, [...result.words, token]))
    ) {
      result.words.push(token);
    } else {
      open = false;
      result.rest.push(token);
    }
  }
  return result;
}

function firstPositional(rest: readonly string[]): string | undefined {
  const end = rest.indexOf('--');
  const head = end < 0 ? rest : rest.slice(0, end);
  return head.find((token, index) => !token.startsWith('-') && !isOptionValue(head, index));
}

function isOptionValue(tokens: readonly string[], index: number): boolean {
  const before = tokens[index - 1];
  return before?.startsWith('-') === true && globalOptionTakingValue(before) === true;
}

function wantsHelp(rest: readonly string[]): boolean {
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).some((token) => token === '--help' || token === '-h');
}

export function subcommandsOf(group: readonly string[], commands: readonly CommandSpec[]): string[] {
  return commands
    .filter((command) => command.path.length > group.length && startsWith(command.path, group))
    .map((command) => command.path[group.length] ?? '');
}

/** Which command argv names, or help, or nothing; unknown words are usage errors. */
export function resolveCommand(argv: readonly string[], commands: readonly CommandSpec[]): Resolved {
  const { words, rest, helpWord } = scan(argv, commands);
  const command = commands.find((candidate) => samePath(candidate.path, words));
  const stray = firstPositional(rest);
  if (command === undefined && stray !== undefined) {
    const where = words.length === 0 ? 'command' : `${words.join(' ')} subcommand`;
    const choices =
      words.length === 0
        ? 'Run wdt-k3 --help for the commands.'
        : `One of: ${subcommandsOf(words, commands).join(', ')}.`;
    throw new UsageError(`unknown ${where} "${stray}"`, [choices]);
  }
  if (helpWord || wantsHelp(rest)) return { kind: 'help', topic: words };
  if (command !== undefined) return { kind: 'command', command, rest };
  if (words.length === 0) return { kind: 'none' };
  throw new UsageError(
    `"${words.join(' ')}" needs a subcommand: ${subcommandsOf(words, commands).join(', ')}`,
    [`Run wdt-k3 ${words.join(' ')} --help for details.`],
  );
}

export function usageLine(command: CommandSpec): string {
  const args = command.args === '' ? '' : ` ${command.args}`;
  return `Usage: wdt-k3 ${command.path.join(' ')}${args} [options]`;
}

function usageError(command: CommandSpec, message: string): UsageError {
  return new UsageError(message, [
    usageLine(command),
    `Run wdt-k3 ${command.path.join(' ')} --help for the options.`,
  ]);
}

function isParseArgsError(err: unknown): err is Error {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** The command's options and positionals, strictly: an unknown option or a stray argument is a usage error. */
export function parseCommandArgs(command: CommandSpec, rest: readonly string[]): ParsedArgs {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        multiple: spec.multiple === true,
        ...(spec.short === undefined ? {} : { short: spec.short }),
      },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options, strict: true, allowPositionals: true });
  } catch (err) {
    // Node's first sentence names the option; the rest is advice about `--` that reads as noise here.
    if (isParseArgsError(err)) throw usageError(command, err.message.split('. ')[0] ?? err.message);
    throw err;
  }
  const [min, max] = command.positionals;
  if (parsed.positionals.length < min) throw usageError(command, `missing ${command.args}`);
  if (parsed.positionals.length > max) {
    throw usageError(command, `unexpected argument "${parsed.positionals[max] ?? ''}"`);
  }
  return { positionals: parsed.positionals, values: parsed.values as Record<string, OptionValue> };
}

// --- Reading option values -------------------------------------------------------------------

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A repeatable option, each value also split on commas: `--tid A,B --tid C` → `[A, B, C]`. */
export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A whole number ≥ 1; the API checks the upper bound. */
export function countOption(args: ParsedArgs, name: string, command: CommandSpec): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw usageError(command, `--${name} must be a whole number ≥ 1, got "${text}"`);
  }
  return Number(text);
}

export function requireOption(args: ParsedArgs, name: string, command: CommandSpec): string {
  const value = stringOption(args, name);
  if (value === undefined || value.trim() === '') throw usageError(command, `--${name} is required`);
  return value;
}

export function commandUsageError(command: CommandSpec, message: string): UsageError {
  return usageError(command, message);
}
