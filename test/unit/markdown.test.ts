import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Member } from '../../src/shared/protocol.js';
import { renderMarkdown, safeHref } from '../../src/web/lib/markdown.js';
import { mentionAtCaret, mentions, searchMembers } from '../../src/web/lib/mentions.js';

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

describe('@ suggestions in the composer', () => {
  const member = (id: string, username: string, online: boolean): Member => ({
    id,
    username,
    guest: false,
    role: 'member',
    online,
    lastSeenAt: null,
    joinedAt: 0,
    mutedUntil: null,
  });

  it('finds the @name being typed before the caret, not an address or a word', () => {
    expect(mentionAtCaret('hi @al', 6)).toEqual({ start: 3, end: 6, query: 'al' });
    expect(mentionAtCaret('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(mentionAtCaret('(@Zoë.b', 7)).toEqual({ start: 1, end: 7, query: 'Zoë.b' });
    expect(mentionAtCaret('“@al', 4)).toEqual({ start: 1, end: 4, query: 'al' });
    expect(mentionAtCaret('mail me@host', 12)).toBeNull();
    expect(mentionAtCaret('hi @al there', 12)).toBeNull();
    // The caret inside a name: the whole name is what a pick replaces.
    expect(mentionAtCaret('hi @alice there', 6)).toEqual({ start: 3, end: 9, query: 'al' });
    // Scripts whose names hold combining marks (Devanagari, Thai) are names all the way.
    expect(mentionAtCaret('@अं', 3)).toEqual({ start: 0, end: 3, query: 'अं' });
  });

  it('finds the same names message rendering highlights, marks included, trailing dots not', () => {
    expect(mentions('ขอบคุณ @สมศักดิ์', 'สมศักดิ์')).toBe(true);
    expect(mentions('@สมศักดิ์', 'สมศ')).toBe(false);
    expect(html('thanks @bob.', 'bob')).toBe('<div><p>thanks <mark class="mention">@bob</mark>.</p></div>');
    expect(html('ok @สมศักดิ์!', 'สมศักดิ์')).toBe('<div><p>ok <mark class="mention">@สมศักดิ์</mark>!</p></div>');
  });

  it('offers names that start with the query first, online first, never the writer', () => {
    const members = [
      member('me', 'alma', true),
      member('1', 'Malory', true),
      member('2', 'albert', false),
      member('3', 'Alice', true),
      member('4', 'bob', true),
    ];
    const names = (query: string) => searchMembers(members, query, 'me').map((m) => m.username);
    expect(names('al')).toEqual(['Alice', 'albert', 'Malory']);
    expect(names('')).toEqual(['Alice', 'bob', 'Malory', 'albert']);
    expect(names('zed')).toEqual([]);
    expect(searchMembers(members, '', 'me', 2)).toHaveLength(2);
  });
});
