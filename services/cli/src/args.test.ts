import { describe, expect, it } from 'vitest';
import { countOption, listOption, parseCommandArgs, resolveCommand } from './args.ts';
import { COMMANDS } from './commands/registry.ts';
import type { CommandSpec } from './commands/types.ts';
import { UsageError } from './errors.ts';

const commandOf = (argv: string[]): CommandSpec => {
  const resolved = resolveCommand(argv, COMMANDS);
  if (resolved.kind !== 'command')
    throw new Error(`expected a command for ${argv.join(' ')}, got ${resolved.kind}`);
  return resolved.command;
};

const parse = (argv: string[]) => {
  const resolved = resolveCommand(argv, COMMANDS);
  if (resolved.kind !== 'command') throw new Error(`expected a command, got ${resolved.kind}`);
  return { command: resolved.command, args: parseCommandArgs(resolved.command, resolved.rest) };
};

const usageMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
};

describe('resolveCommand', () => {
  it.each([
    [['status'], 'status'],
    [['failed', 'list'], 'failed list'],
    [['failed', 'show', 'so-1'], 'failed show'],
    [['sync', 'orders', '--tid', 'T1'], 'sync orders'],
    [['dry-run', 'CK1'], 'dry-run'],
    [['--json', 'status'], 'status'],
    [['--url', 'http://h:1', '--token', 'tok', 'failed', 'list'], 'failed list'],
    [['--url=http://h:1', '-v', 'failed', 'show', 'status'], 'failed show'],
  ])('%j names %s', (argv, name) => {
    expect(commandOf(argv).path.join(' ')).toBe(name);
  });

  it('answers help for --help, -h or the help word, with the words before it as the topic', () => {
    expect(resolveCommand(['--help'], COMMANDS)).toEqual({ kind: 'help', topic: [] });
    expect(resolveCommand(['failed', '-h'], COMMANDS)).toEqual({ kind: 'help', topic: ['failed'] });
    expect(resolveCommand(['help', 'failed', 'replay'], COMMANDS)).toEqual({
      kind: 'help',
      topic: ['failed', 'replay'],
    });
    expect(resolveCommand(['failed', 'replay', 'so-1', '--help'], COMMANDS)).toEqual({
      kind: 'help',
      topic: ['failed', 'replay'],
    });
    // After `--` it is an argument, not a flag.
    expect(resolveCommand(['dry-run', '--', '--help'], COMMANDS).kind).toBe('command');
  });

  it('answers none for no command, and a usage error for unknown words or a bare group', () => {
    expect(resolveCommand([], COMMANDS)).toEqual({ kind: 'none' });
    expect(resolveCommand(['--json'], COMMANDS)).toEqual({ kind: 'none' });
    expect(usageMessage(() => resolveCommand(['stats'], COMMANDS))).toBe('unknown command "stats"');
    expect(usageMessage(() => resolveCommand(['failed', 'retry', 'so-1'], COMMANDS))).toBe(
      'unknown failed subcommand "retry"',
    );
    expect(usageMessage(() => resolveCommand(['sync'], COMMANDS))).toBe('"sync" needs a subcommand: orders');
    expect(usageMessage(() => resolveCommand(['help', 'nope'], COMMANDS))).toBe('unknown command "nope"');
  });
});

describe('parseCommandArgs', () => {
  it('reads global and command options in any order', () => {
    const { args } = parse([
      'failed',
      'list',
      '--code',
      'A',
      '--json',
      '--limit',
      '5',
      '--url',
      'http://h:1',
    ]);
    expect(args.values).toMatchObject({ code: ['A'], json: true, limit: '5', url: 'http://h:1' });
    expect(args.positionals).toEqual([]);
  });

  it('takes - as the value of --order-file (stdin)', () => {
    const { args } = parse(['failed', 'replay', 'so-1', '--order-file', '-']);
    expect(args.values['order-file']).toBe('-');
    expect(args.positionals).toEqual(['so-1']);
  });

  it('refuses unknown options, options of another command, missing values and stray arguments', () => {
    expect(usageMessage(() => parse(['status', '--verbose-ish']))).toBe("Unknown option '--verbose-ish'");
    expect(usageMessage(() => parse(['status', '--code', 'A']))).toBe("Unknown option '--code'");
    expect(usageMessage(() => parse(['failed', 'list', '--code']))).toMatch(
      /^Option '--code <value>' argument missing/,
    );
    expect(usageMessage(() => parse(['failed', 'show']))).toBe('missing <id>');
    expect(usageMessage(() => parse(['dry-run', 'CK1', 'CK2']))).toBe('unexpected argument "CK2"');
    expect(usageMessage(() => parse(['pause', 'now']))).toBe('unexpected argument "now"');
  });
});

describe('option values', () => {
  it('merges repeated options and comma lists, dropping blanks', () => {
    const { args } = parse([
      'sync',
      'orders',
      '--tid',
      'T1, T2',
      '--tid',
      'T3',
      '--tid',
      ',',
      '--stockout-no',
      'CK1',
    ]);
    expect(listOption(args, 'tid')).toEqual(['T1', 'T2', 'T3']);
    expect(listOption(args, 'stockout-no')).toEqual(['CK1']);
    expect(listOption(args, 'dry-run')).toEqual([]);
  });

  it('reads a count as a whole number ≥ 1 and refuses anything else', () => {
    const { command, args } = parse(['failed', 'list', '--limit', '25']);
    expect(countOption(args, 'limit', command)).toBe(25);
    expect(countOption(parse(['failed', 'list']).args, 'limit', command)).toBeUndefined();
    for (const bad of ['0', '-1', '2.5', 'ten', '']) {
      expect(
        usageMessage(() => countOption(parse(['failed', 'list', `--limit=${bad}`]).args, 'limit', command)),
      ).toBe(`--limit must be a whole number ≥ 1, got "${bad}"`);
    }
  });
});
