import { describe, expect, it } from 'vitest';
import { systemLineText } from '../../src/shared/people.js';
import type { Message } from '../../src/shared/protocol.js';
import { buildRows, type Row } from '../../src/web/components/messages/rows.js';
import { message } from '../helpers/web-fixtures.js';

const system = (seq: number, who: string, what: 'joined' | 'left'): Message =>
  message(seq, {
    kind: 'system',
    system: what,
    text: '',
    author: { id: who, username: who, guest: false },
  });

const said = (seq: number, who = 'zoe') => message(seq, { author: { id: who, username: who, guest: false } });

/** Each row as a short word: day, msg:<seq>, or joined:<names> / left:<names>. */
const shape = (rows: Row[]) =>
  rows.map((row) =>
    row.kind === 'people'
      ? `${row.lines[0]!.system}:${row.lines.map((l) => l.author!.username).join(',')}`
      : row.kind === 'message'
        ? `msg:${row.message.seq}`
        : row.kind,
  );

const build = (messages: Message[]) => buildRows(messages, [], 'me', null, 10_000);

describe('join and leave lines in a row', () => {
  it('collapse into one row per run, joins and leaves apart, a message breaking the run', () => {
    const rows = build([
      system(1, 'alice', 'joined'),
      system(2, 'bob', 'joined'),
      system(3, 'carol', 'joined'),
      system(4, 'dave', 'left'),
      system(5, 'erin', 'left'),
      said(6),
      system(7, 'frank', 'joined'),
    ]);
    expect(shape(rows)).toEqual(['day', 'joined:alice,bob,carol', 'left:dave,erin', 'msg:6', 'joined:frank']);
  });

  it('keeps the key of its first line as more people join', () => {
    const first = build([said(1), system(2, 'alice', 'joined')]);
    const later = build([said(1), system(2, 'alice', 'joined'), system(3, 'bob', 'joined')]);
    expect(later.at(-1)!.key).toBe(first.at(-1)!.key);
    expect(later).toHaveLength(first.length);
  });

  it('starts a new run on a new day', () => {
    const day = 24 * 3600_000;
    const rows = build([system(1, 'alice', 'joined'), { ...system(2, 'bob', 'joined'), createdAt: 2 * day }]);
    expect(shape(rows)).toEqual(['day', 'joined:alice', 'day', 'joined:bob']);
  });

  it('leaves user messages as they were, grouped by author', () => {
    const rows = build([said(1), said(2)]);
    expect(rows.map((r) => (r.kind === 'message' ? r.grouped : null))).toEqual([null, false, true]);
  });
});

describe('the wording of a collapsed line', () => {
  it.each([
    [['alice'], 'alice joined'],
    [['alice', 'bob'], 'alice and bob joined'],
    [['alice', 'bob', 'carol'], 'alice, bob and carol joined'],
    [['alice', 'bob', 'carol', 'dave'], 'alice, bob and 2 others joined'],
    [['alice', 'bob', 'c', 'd', 'e', 'f', 'g'], 'alice, bob and 5 others joined'],
  ])('%j → %s', (names, sentence) => {
    expect(systemLineText(names, 'joined')).toBe(sentence);
  });
});
