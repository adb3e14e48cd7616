import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { mentions, renderMarkdown, safeHref } from '../../src/web/lib/markdown.js';

const html = (text: string, highlight?: string) =>
  renderToStaticMarkup(createElement('div', null, ...renderMarkdown(text, highlight ? { highlight } : {})));

describe('markdown subset', () => {
  it('renders bold, italic, strike, code, code blocks and quotes', () => {
    expect(html('**bold** *it* _it2_ ~~gone~~ `x<y`')).toBe(
      '<div><p><strong>bold</strong> <em>it</em> <em>it2</em> <del>gone</del> <code>x&lt;y</code></p></div>',
    );
    expect(html('```\nconst a = "<b>";\n```')).toBe(
      '<div><pre><code>const a = &quot;&lt;b&gt;&quot;;</code></pre></div>',
    );
    expect(html('> quoted **text**\nafter')).toBe(
      '<div><blockquote><p>quoted <strong>text</strong></p></blockquote><p>after</p></div>',
    );
  });

  it('leaves snake_case, arithmetic and lone markers alone', () => {
    expect(html('snake_case_name 2*3*4 a * b')).toBe('<div><p>snake_case_name 2*3*4 a * b</p></div>');
  });

  it('keeps line breaks inside a paragraph as text', () => {
    expect(html('one\ntwo')).toBe('<div><p>one\ntwo</p></div>');
  });

  it('links http(s) and mailto only, safely', () => {
    expect(html('see https://example.com/a_b_c ok')).toBe(
      '<div><p>see <a href="https://example.com/a_b_c" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a_b_c</a> ok</p></div>',
    );
    expect(html('www.example.org')).toContain('href="http://www.example.org/"');
    expect(html('javascript:alert(1)')).not.toContain('<a');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
  });

  it('escapes markup instead of rendering it', () => {
    expect(html('<img src=x onerror=alert(1)>')).toBe('<div><p>&lt;img src=x onerror=alert(1)&gt;</p></div>');
  });

  it('highlights and detects mentions of a user', () => {
    expect(html('hi @alice and @alicex', 'alice')).toBe(
      '<div><p>hi <mark class="mention">@alice</mark> and @alicex</p></div>',
    );
    expect(mentions('ping @Alice!', 'alice')).toBe(true);
    expect(mentions('mail alice@example.com', 'example.com')).toBe(false);
    expect(mentions('@alicex', 'alice')).toBe(false);
  });
});
