/**
 * A Dockerfile reader for the checks of `pnpm check:deploy`: instructions with their line, line
 * continuations joined, comments dropped, stages split at FROM, and `COPY`/`ADD` split into flags,
 * sources and destination. Enough for path and stage checks; not a full BuildKit parser.
 */
export interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly index: number;
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface CopyInstruction {
  readonly line: number;
  readonly keyword: 'COPY' | 'ADD';
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') start = i + 1;
    const continued = line.endsWith('\\');
    pending += `${continued ? line.slice(0, -1) : line} `;
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    if (match?.[1] !== undefined)
      out.push({ line: start, keyword: match[1].toUpperCase(), args: match[2] ?? '' });
    pending = '';
  });
  return out;
}

/** Substitutes `${NAME}` / `$NAME` from ARG defaults declared before the first FROM. */
function substituteArgs(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a, b) => {
    const name = (a ?? b) as string;
    return args.get(name) ?? all;
  });
}

export function parseStages(text: string): { globalArgs: Map<string, string>; stages: Stage[] } {
  const globalArgs = new Map<string, string>();
  const stages: { index: number; name: string | undefined; base: string; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    const current = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({
        index: stages.length,
        name: asIndex === -1 ? undefined : words[asIndex + 1]?.toLowerCase(),
        base: substituteArgs(words[0] ?? '', globalArgs),
        instructions: [],
      });
    } else if (current === undefined) {
      const arg = instruction.keyword === 'ARG' ? /^([A-Za-z_]\w*)(?:=(.*))?$/.exec(instruction.args) : null;
      if (arg?.[1] !== undefined) globalArgs.set(arg[1], (arg[2] ?? '').replace(/^"(.*)"$/, '$1'));
    } else {
      current.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** Splits shell-form words, keeping quoted strings together (no escapes inside quotes). */
function words(args: string): string[] {
  return [...args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

export function parseCopy(instruction: Instruction): CopyInstruction | undefined {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return undefined;
  const all = words(instruction.args);
  const flags = all.filter(
    (word, i) => word.startsWith('--') && all.slice(0, i).every((w) => w.startsWith('--')),
  );
  const rest = all.slice(flags.length);
  const paths: string[] = rest[0]?.startsWith('[') ? (JSON.parse(rest.join(' ')) as string[]) : rest;
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return {
    line: instruction.line,
    keyword: instruction.keyword,
    from,
    sources: paths.slice(0, -1),
    destination: paths.at(-1) ?? '',
  };
}

/** The command of CMD, ENTRYPOINT or `HEALTHCHECK … CMD`, as one string, or undefined. */
export function commandText(instruction: Instruction): string | undefined {
  let args = instruction.args;
  if (instruction.keyword === 'HEALTHCHECK') {
    const match = /^(?:--\S+\s+)*CMD\s+(.*)$/i.exec(args);
    if (match?.[1] === undefined) return undefined;
    args = match[1];
  } else if (instruction.keyword !== 'CMD' && instruction.keyword !== 'ENTRYPOINT') return undefined;
  if (args.trim().startsWith('[')) {
    try {
      return (JSON.parse(args) as string[]).join(' ');
    } catch {
      return args;
    }
  }
  return args;
}
