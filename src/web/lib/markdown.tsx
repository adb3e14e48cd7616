import * as linkify from 'linkifyjs';
import type { ReactNode } from 'react';
import { findMentions } from './mentions.js';

/**
 * The markdown subset messages may use: **bold**, *italic* or _italic_, ~~strike~~, `code`,
 * ``` code blocks ```, "> " quotes, and links detected in plain text. Output is React elements
 * built from the text — never an HTML string — so nothing a user types can become markup.
 * Links are only ever http(s) or mailto, and open in a new tab without an opener or referrer.
 */

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

interface Options {
  /** Lower-cased usernames to highlight when mentioned as @name. */
  highlight?: string;
}

export function renderMarkdown(text: string, options: Options = {}): ReactNode[] {
  const blocks: ReactNode[] = [];
  const lines = text.split('\n');
  let paragraph: string[] = [];
  let key = 0;
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    // Line breaks inside a paragraph are kept by CSS (white-space: pre-wrap), not <br>s.
    blocks.push(<p key={key++}>{renderInline(paragraph.join('\n'), options)}</p>);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimStart().startsWith('```')) {
      flushParagraph();
      const body: string[] = [];
      const firstLineRest = line.trimStart().slice(3);
      const closesOnSameLine = firstLineRest.endsWith('```') && firstLineRest.length >= 3;
      if (closesOnSameLine) {
        body.push(firstLineRest.slice(0, -3));
      } else {
        let j = i + 1;
        while (j < lines.length && !lines[j]!.trimStart().startsWith('```')) body.push(lines[j++]!);
        i = j;
      }
      blocks.push(
        <pre key={key++}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    if (line.startsWith('>')) {
      flushParagraph();
      const quoted: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('>')) quoted.push(lines[i++]!.replace(/^> ?/, ''));
      i--;
      blocks.push(<blockquote key={key++}>{renderMarkdown(quoted.join('\n'), options)}</blockquote>);
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  return blocks;
}

const INLINE_CODE = /`([^`\n]+)`/;

export function renderInline(text: string, options: Options = {}): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let key = 0;
  while (rest) {
    const match = INLINE_CODE.exec(rest);
    if (!match) break;
    out.push(...renderLinks(rest.slice(0, match.index), options, `c${key}`));
    out.push(<code key={`code${key++}`}>{match[1]}</code>);
    rest = rest.slice(match.index + match[0].length);
  }
  out.push(...renderLinks(rest, options, `c${key}`));
  return out;
}

function renderLinks(text: string, options: Options, prefix: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const link of linkify.find(text)) {
    if (link.type !== 'url' && link.type !== 'email') continue;
    const href = safeHref(link.href);
    if (!href) continue;
    out.push(...renderEmphasis(text.slice(last, link.start), options, `${prefix}e${key}`));
    out.push(
      <a key={`${prefix}a${key++}`} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {link.value}
      </a>,
    );
    last = link.end;
  }
  out.push(...renderEmphasis(text.slice(last), options, `${prefix}e${key}`));
  return out;
}

const EMPHASIS: { pattern: RegExp; wrap: (children: ReactNode[], key: string) => ReactNode }[] = [
  { pattern: /\*\*(?=\S)([\s\S]*?\S)\*\*/, wrap: (c, key) => <strong key={key}>{c}</strong> },
  { pattern: /~~(?=\S)([\s\S]*?\S)~~/, wrap: (c, key) => <del key={key}>{c}</del> },
  { pattern: /(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/, wrap: (c, key) => <em key={key}>{c}</em> },
  {
    pattern: /(?<![\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/u,
    wrap: (c, key) => <em key={key}>{c}</em>,
  },
];

function renderEmphasis(text: string, options: Options, prefix: string): ReactNode[] {
  if (!text) return [];
  let best: { index: number; length: number; inner: string; wrap: (typeof EMPHASIS)[number]['wrap'] } | null =
    null;
  for (const { pattern, wrap } of EMPHASIS) {
    const match = pattern.exec(text);
    if (match && (!best || match.index < best.index)) {
      best = { index: match.index, length: match[0].length, inner: match[1]!, wrap };
    }
  }
  if (!best) return renderMentions(text, options, prefix);
  return [
    ...renderMentions(text.slice(0, best.index), options, `${prefix}b`),
    best.wrap(renderEmphasis(best.inner, options, `${prefix}i`), `${prefix}w`),
    ...renderEmphasis(text.slice(best.index + best.length), options, `${prefix}r`),
  ];
}

function renderMentions(text: string, options: Options, prefix: string): ReactNode[] {
  if (!options.highlight || !text.includes('@')) return text ? [text] : [];
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const mention of findMentions(text)) {
    if (mention.name.toLowerCase() !== options.highlight) continue;
    out.push(text.slice(last, mention.index));
    out.push(
      <mark key={`${prefix}m${key++}`} className="mention">
        {text.slice(mention.index, mention.index + mention.length)}
      </mark>,
    );
    last = mention.index + mention.length;
  }
  out.push(text.slice(last));
  return out.filter((part) => part !== '');
}
