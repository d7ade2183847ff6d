import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, toText } from './html.ts';

describe('typed HTML templates', () => {
  it('escapes every interpolated value, in text and in quoted attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover='y' \`z\` &amp;`;
    const page = toText(html`<p title="${evil}">${evil}</p>`);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain(`' onmouseover`);
    expect(page).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y&#39; &#96;z&#96; &amp;amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y&#39; &#96;z&#96; &amp;amp;</p>',
    );
  });

  it('nests templates without escaping them twice, joins arrays, and renders nothing for null, undefined and false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(toText(html`<ul>${items}</ul>${null}${undefined}${false}${0}`)).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0',
    );
  });

  it('passes raw() through as written, and nothing else', () => {
    expect(toText(html`${raw('<b>ours</b>')}${'<b>theirs</b>'}`)).toBe(
      '<b>ours</b>&lt;b&gt;theirs&lt;/b&gt;',
    );
    // An object shaped like a template is data, not markup.
    expect(toText(html`${{ text: '<i>' } as unknown as string}`)).toBe('[object Object]');
    expect(escapeHtml('"\'<>&`')).toBe('&quot;&#39;&lt;&gt;&amp;&#96;');
  });
});
