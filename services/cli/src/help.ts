import { GLOBAL_OPTIONS, subcommandsOf, usageLine } from './args.ts';
import type { CommandSpec, OptionSpecs } from './commands/types.ts';
import { formatTable, indent } from './table.ts';

const EXIT_CODES = [
  'Exit codes: 0 ok · 1 the admin API answered an error · 2 usage error · 3 the admin API cannot be reached',
  '· with --wait: 4 some order did not end in K3 · 5 the wait timed out.',
];

/** Two aligned columns, indented, without a header row. */
function indented(rows: ReadonlyArray<readonly string[]>): string[] {
  return indent(formatTable([{ header: '' }, { header: '' }], rows).slice(1));
}

function optionLines(options: OptionSpecs): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}`;
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    const repeat = spec.multiple === true ? '…' : '';
    return [`${flag}${value}${repeat}`, spec.description];
  });
  return indented(rows);
}

function commandRows(commands: readonly CommandSpec[]): string[] {
  const rows = commands.map((command) => [
    `${command.path.join(' ')}${command.args === '' ? '' : ` ${command.args}`}`,
    command.summary,
  ]);
  return indented(rows);
}

export function toolHelp(commands: readonly CommandSpec[]): string[] {
  return [
    'wdt-k3: operate wdt-k3-sync through its admin API.',
    '',
    'Usage: wdt-k3 <command> [options]',
    '',
    'Commands:',
    ...commandRows(commands),
    '',
    'Global options (any command):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    ...EXIT_CODES,
    'Run wdt-k3 <command> --help for a command’s options and examples.',
  ];
}

function groupHelp(group: readonly string[], commands: readonly CommandSpec[]): string[] {
  const members = commands.filter((command) => group.every((word, index) => command.path[index] === word));
  return [
    `Usage: wdt-k3 ${group.join(' ')} <${subcommandsOf(group, commands).join('|')}> [options]`,
    '',
    'Commands:',
    ...commandRows(members),
    '',
    `Run wdt-k3 ${group.join(' ')} <command> --help for a command’s options.`,
  ];
}

function commandHelp(command: CommandSpec): string[] {
  const own =
    Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options)] : [];
  const examples = command.examples === undefined ? [] : ['', 'Examples:', ...indent(command.examples)];
  return [
    usageLine(command),
    '',
    command.summary,
    ...(command.help === undefined ? [] : ['', ...command.help]),
    ...own,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    ...examples,
    '',
    ...EXIT_CODES,
  ];
}

/** Help for a topic: the tool, a group (`failed`) or a command (`failed replay`). */
export function helpFor(topic: readonly string[], commands: readonly CommandSpec[]): string[] {
  if (topic.length === 0) return toolHelp(commands);
  const command = commands.find(
    (candidate) => candidate.path.length === topic.length && topic.every((w, i) => candidate.path[i] === w),
  );
  return command === undefined ? groupHelp(topic, commands) : commandHelp(command);
}
