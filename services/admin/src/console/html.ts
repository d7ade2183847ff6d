/**
 * Typed HTML templates with escaping by default: `html\`<p>${text}</p>\`` escapes every
 * interpolated value unless it is already `Html` (another template, or `raw()` for markup we
 * wrote). Arrays are joined; null, undefined and false render nothing, so `${cond && html\`…\`}`
 * works. A hand-written 40 lines instead of a JSX engine: Node runs our .ts directly with type
 * stripping, so there is no .tsx, and this is all the console needs.
 */
const HTML = Symbol('html');

export interface Html {
  readonly [HTML]: true;
  readonly text: string;
}

export type Renderable = Html | string | number | null | undefined | false | readonly Renderable[];

const make = (text: string): Html => ({ [HTML]: true, text });

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && HTML in value;
}

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((item: Renderable) => render(item)).join('');
  if (isHtml(value)) return value.text;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Renderable[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return make(text);
}

/** Markup we wrote ourselves (never data): passed through unescaped. */
export function raw(text: string): Html {
  return make(text);
}

export function toText(value: Renderable): string {
  return render(value);
}
