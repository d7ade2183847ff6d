/**
 * The FilterString subset the simulator understands (documented in the README):
 *   expr  := term { (and|or) term }      -- `and` binds tighter than `or`
 *   term  := not term | ( expr ) | F op literal | F [not] in ( literal {, literal} ) | F is [not] null
 *            | F like 'pattern'           -- % and _ wildcards
 *   op    := = | <> | != | > | >= | < | <=
 *   literal := 'text' ('' escapes a quote) | number
 * Keywords are case-insensitive; field keys are matched case-insensitively by the query.
 */
export type FilterNode =
  | { readonly type: 'and' | 'or'; readonly items: readonly FilterNode[] }
  | { readonly type: 'not'; readonly item: FilterNode }
  | { readonly type: 'cmp'; readonly field: string; readonly op: string; readonly value: string | number }
  | {
      readonly type: 'in';
      readonly field: string;
      readonly values: ReadonlyArray<string | number>;
      readonly negate: boolean;
    }
  | { readonly type: 'null'; readonly field: string; readonly negate: boolean }
  | { readonly type: 'like'; readonly field: string; readonly pattern: string };

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'punct'; text: string };

const TOKEN =
  /\s*(?:('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w.]*)|(<>|!=|>=|<=|=|>|<)|([(),]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) throw new FilterError(`unexpected character at ${at}: "${text.slice(at, at + 10)}"`);
    const [, str, num, word, op, punct] = match;
    if (str !== undefined) tokens.push({ kind: 'string', text: str.slice(1, -1).replaceAll("''", "'") });
    else if (num !== undefined) tokens.push({ kind: 'number', text: num });
    else if (word !== undefined) tokens.push({ kind: 'word', text: word });
    else if (op !== undefined) tokens.push({ kind: 'op', text: op });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct });
  }
  return tokens;
}

export function parseFilter(text: string): FilterNode | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isWord = (word: string): boolean => peek()?.kind === 'word' && peek()?.text.toLowerCase() === word;
  const expect = (text: string): void => {
    if (peek()?.text.toLowerCase() !== text)
      throw new FilterError(`expected "${text}" near token ${position + 1}`);
    position += 1;
  };
  const literal = (): string | number => {
    const token = tokens[position++];
    if (token?.kind === 'string') return token.text;
    if (token?.kind === 'number') return Number(token.text);
    throw new FilterError(`expected a literal near token ${position}`);
  };
  const list = (kind: 'and' | 'or', next: () => FilterNode): FilterNode => {
    const items = [next()];
    while (isWord(kind)) {
      position += 1;
      items.push(next());
    }
    return items.length === 1 ? (items[0] as FilterNode) : { type: kind, items };
  };
  const term = (): FilterNode => {
    if (isWord('not')) {
      position += 1;
      return { type: 'not', item: term() };
    }
    if (peek()?.text === '(') {
      position += 1;
      const inner = expr();
      expect(')');
      return inner;
    }
    const field = tokens[position++];
    if (field?.kind !== 'word') throw new FilterError(`expected a field key near token ${position}`);
    return predicate(field.text);
  };
  const predicate = (field: string): FilterNode => {
    const negate = isWord('not');
    if (negate) position += 1;
    if (isWord('in')) {
      position += 1;
      expect('(');
      const values = [literal()];
      while (peek()?.text === ',') {
        position += 1;
        values.push(literal());
      }
      expect(')');
      return { type: 'in', field, values, negate };
    }
    if (negate) throw new FilterError('"not" must be followed by "in"');
    if (isWord('is')) {
      position += 1;
      const not = isWord('not');
      if (not) position += 1;
      expect('null');
      return { type: 'null', field, negate: not };
    }
    if (isWord('like')) {
      position += 1;
      return { type: 'like', field, pattern: String(literal()) };
    }
    const op = tokens[position++];
    if (op?.kind !== 'op') throw new FilterError(`expected an operator after ${field}`);
    return { type: 'cmp', field, op: op.text, value: literal() };
  };
  const expr = (): FilterNode => list('or', () => list('and', term));
  const node = expr();
  if (position !== tokens.length)
    throw new FilterError(`unexpected "${tokens[position]?.text}" near token ${position + 1}`);
  return node;
}

export function filterFields(node: FilterNode | undefined, out: string[] = []): string[] {
  if (node === undefined) return out;
  if ('items' in node) {
    for (const item of node.items) filterFields(item, out);
  } else if ('item' in node) {
    filterFields(node.item, out);
  } else {
    out.push(node.field);
  }
  return out;
}

/** Values `field` must equal for the whole filter to hold (top-level `and` of `=` / `in`), for index use. */
export function requiredValues(node: FilterNode | undefined, field: string): string[] | undefined {
  if (node === undefined) return undefined;
  const conjuncts = node.type === 'and' ? node.items : [node];
  const wanted = field.toLowerCase();
  for (const item of conjuncts) {
    if (item.type === 'cmp' && item.op === '=' && item.field.toLowerCase() === wanted)
      return [String(item.value)];
    if (item.type === 'in' && !item.negate && item.field.toLowerCase() === wanted)
      return item.values.map(String);
  }
  return undefined;
}

export function evaluate(node: FilterNode, get: (field: string) => unknown): boolean {
  switch (node.type) {
    case 'and':
      return node.items.every((item) => evaluate(item, get));
    case 'or':
      return node.items.some((item) => evaluate(item, get));
    case 'not':
      return !evaluate(node.item, get);
    case 'null': {
      const value = get(node.field);
      return (value === null || value === undefined || value === '') !== node.negate;
    }
    case 'in':
      return node.values.some((value) => compare(get(node.field), value) === 0) !== node.negate;
    case 'like': {
      const pattern = node.pattern
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replaceAll('%', '.*')
        .replaceAll('_', '.');
      return new RegExp(`^${pattern}$`, 'is').test(String(get(node.field) ?? ''));
    }
    case 'cmp': {
      const order = compare(get(node.field), node.value);
      if (Number.isNaN(order)) return node.op === '<>' || node.op === '!=';
      return OPS[node.op]?.(order) ?? false;
    }
  }
}

const OPS: Record<string, (order: number) => boolean> = {
  '=': (o) => o === 0,
  '<>': (o) => o !== 0,
  '!=': (o) => o !== 0,
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
};

/** Numbers compare numerically when both sides are numeric, otherwise as text; null compares as NaN. */
export function compare(value: unknown, literal: string | number): number {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof literal === 'number' || typeof value === 'number') {
    const left = Number(value);
    const right = Number(literal);
    if (Number.isFinite(left) && Number.isFinite(right)) return Math.sign(left - right);
  }
  const left = String(value);
  const right = String(literal);
  return left === right ? 0 : left < right ? -1 : 1;
}
