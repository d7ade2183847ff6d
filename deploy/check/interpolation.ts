/**
 * Compose's variable interpolation (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
 * `${VAR:-default}` / `${VAR-default}` (unset-or-empty / unset), `${VAR:?error}` /
 * `${VAR?error}` (required), `${VAR:+alt}` / `${VAR+alt}`, nested expressions in the argument,
 * and `$$` for a literal dollar.
 */
export type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

export interface VariableUse {
  readonly name: string;
  readonly operator: Operator | undefined;
  readonly argument: string | undefined;
}

type Piece = { readonly text: string } | { readonly use: VariableUse } | { readonly invalid: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS: readonly Operator[] = [':-', ':?', ':+', '-', '?', '+'];

/** Index of the `}` closing the `${` whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') depth += 1;
      i += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parseBody(body: string): VariableUse | undefined {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) return undefined;
  const rest = body.slice(name.length);
  if (rest === '') return { name, operator: undefined, argument: undefined };
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  return operator === undefined ? undefined : { name, operator, argument: rest.slice(operator.length) };
}

function split(text: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') pieces.push({ text: literal });
    literal = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const next = text[i + 1];
    const bare = text[i] === '$' ? NAME.exec(text.slice(i + 1))?.[0] : undefined;
    if (text[i] !== '$') literal += text[i];
    else if (next === '$') {
      literal += '$';
      i += 1;
    } else if (next === '{') {
      flush();
      const end = closingBrace(text, i + 2);
      const use = end === -1 ? undefined : parseBody(text.slice(i + 2, end));
      if (use === undefined) return [...pieces, { invalid: text.slice(i) }];
      pieces.push({ use });
      i = end;
    } else if (bare !== undefined) {
      flush();
      pieces.push({ use: { name: bare, operator: undefined, argument: undefined } });
      i += bare.length;
    } else literal += '$';
  }
  flush();
  return pieces;
}

/** Every variable `text` mentions, including those inside defaults and messages. */
export function variableUses(text: string): VariableUse[] {
  return split(text).flatMap((piece) =>
    'use' in piece ? [piece.use, ...variableUses(piece.use.argument ?? '')] : [],
  );
}

/** Syntax errors of `text`'s expressions. */
export function interpolationErrors(text: string): string[] {
  return split(text).flatMap((piece) =>
    'invalid' in piece
      ? [`invalid interpolation "${piece.invalid}"`]
      : 'use' in piece
        ? interpolationErrors(piece.use.argument ?? '')
        : [],
  );
}

/** Resolves `text` with `lookup`; a missing required variable is reported in `errors`. */
export function interpolate(
  text: string,
  lookup: (name: string) => string | undefined,
): { value: string; errors: string[] } {
  const errors: string[] = [];
  const value = split(text)
    .map((piece) => {
      if ('text' in piece) return piece.text;
      if ('invalid' in piece) {
        errors.push(`invalid interpolation "${piece.invalid}"`);
        return '';
      }
      const { name, operator } = piece.use;
      const raw = lookup(name);
      const argument = (): string => {
        const inner = interpolate(piece.use.argument ?? '', lookup);
        errors.push(...inner.errors);
        return inner.value;
      };
      const present = operator?.startsWith(':') ? raw !== undefined && raw !== '' : raw !== undefined;
      if (operator === ':-' || operator === '-') return present ? (raw ?? '') : argument();
      if (operator === ':+' || operator === '+') return present ? argument() : '';
      if ((operator === ':?' || operator === '?') && !present) {
        errors.push(`required variable ${name} is not set (${argument() || 'no message'})`);
        return '';
      }
      return raw ?? '';
    })
    .join('');
  return { value, errors };
}

/** True when an unset variable leaves a default behind rather than an empty string. */
export function hasDefault(use: VariableUse): boolean {
  return use.operator === ':-' || use.operator === '-';
}
