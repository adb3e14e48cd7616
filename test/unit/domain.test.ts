import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, generateCode, normaliseCode } from '../../src/server/domain/codes.js';
import { DomainError } from '../../src/server/domain/errors.js';
import { MemoryMatchQueue } from '../../src/server/domain/matchmaker.js';
import {
  cleanMessageText,
  groupReactions,
  normaliseEmoji,
  replyExcerpt,
} from '../../src/server/domain/messages.js';
import { MemoryPresence } from '../../src/server/domain/presence.js';
import { MemoryRateLimiter } from '../../src/server/domain/rate-limit.js';
import {
  afterMemberLeft,
  assertCanDelete,
  assertCanEdit,
  assertCanManageMembers,
  assertHasCapacity,
  assertJoinable,
  assertLeavable,
  assertReadable,
  dmKey,
  normaliseRoomName,
  type RoomRecord,
} from '../../src/server/domain/rooms.js';
import { normaliseUsername, usernameKey } from '../../src/server/domain/usernames.js';

const room = (over: Partial<RoomRecord> = {}): RoomRecord => ({
  id: 'r1',
  kind: 'group',
  name: 'g',
  code: null,
  ownerId: 'owner',
  maxMembers: null,
  lastSeq: 0,
  createdAt: 0,
  ...over,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return 'ok';
};

describe('usernames', () => {
  it('folds case, compatibility forms and confusable letters into one key', () => {
    const key = usernameKey('alice');
    expect(usernameKey('Alice')).toBe(key);
    expect(usernameKey('ALICE')).toBe(key);
    expect(usernameKey('\u0430lice')).toBe(key); // Cyrillic а
    expect(usernameKey('ａｌｉｃｅ')).toBe(key); // full-width
    expect(usernameKey('al1ce')).not.toBe(usernameKey('alece'));
    expect(usernameKey('b0b')).toBe(usernameKey('bob'));
  });

  it('keeps the display form and enforces length and charset', () => {
    expect(normaliseUsername('  Zoë_99 ')).toEqual({ display: 'Zoë_99', key: usernameKey('Zoë_99') });
    expect(normaliseUsername('山田').display).toBe('山田');
    for (const bad of ['a', 'x'.repeat(33), 'two words', '_lead', 'trail.', '<b>', 'a\u202Eb']) {
      expect(
        codeOf(() => normaliseUsername(bad)),
        bad,
      ).toBe('bad_request');
    }
  });
});

describe('join codes', () => {
  it('generates codes from the unambiguous alphabet', () => {
    const codes = new Set(Array.from({ length: 500 }, () => generateCode()));
    expect(codes.size).toBeGreaterThan(495);
    for (const code of codes) {
      expect(code).toHaveLength(CODE_LENGTH);
      expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true);
    }
    expect(CODE_ALPHABET).not.toMatch(/[01ILOUV]/);
  });

  it('accepts what people type and rejects what cannot be a code', () => {
    expect(normaliseCode('abc-def')).toBe('ABCDEF');
    expect(normaliseCode(' ab cd ef ')).toBe('ABCDEF');
    expect(normaliseCode('ABCDE')).toBeNull();
    expect(normaliseCode('ABCDE0')).toBeNull();
    expect(normaliseCode('ABCDEFG')).toBeNull();
  });
});

describe('room rules', () => {
  it('hides private rooms from non-members and lets only channels be joined directly', () => {
    expect(codeOf(() => assertReadable(room(), false))).toBe('not_found');
    expect(codeOf(() => assertReadable(undefined, true))).toBe('not_found');
    expect(codeOf(() => assertReadable(room(), true))).toBe('ok');
    expect(codeOf(() => assertJoinable(room({ kind: 'channel' })))).toBe('ok');
    for (const kind of ['dm', 'group', 'code', 'match'] as const) {
      expect(codeOf(() => assertJoinable(room({ kind })))).toBe('not_found');
    }
  });

  it('enforces capacity, owner-only management and unleavable DMs', () => {
    expect(codeOf(() => assertHasCapacity(room({ maxMembers: 3 }), 2))).toBe('ok');
    expect(codeOf(() => assertHasCapacity(room({ maxMembers: 3 }), 3))).toBe('conflict');
    expect(codeOf(() => assertHasCapacity(room(), 10_000))).toBe('ok');
    expect(codeOf(() => assertCanManageMembers(room(), 'owner'))).toBe('ok');
    expect(codeOf(() => assertCanManageMembers(room(), 'someone'))).toBe('forbidden');
    expect(codeOf(() => assertCanManageMembers(room({ kind: 'channel' }), 'owner'))).toBe('bad_request');
    expect(codeOf(() => assertLeavable(room({ kind: 'dm' })))).toBe('forbidden');
    expect(codeOf(() => assertLeavable(room({ kind: 'code' })))).toBe('ok');
  });

  it('lets authors edit and authors or owners delete', () => {
    const mine = { authorId: 'me', kind: 'user' as const, deletedAt: null };
    expect(codeOf(() => assertCanEdit(mine, 'me'))).toBe('ok');
    expect(codeOf(() => assertCanEdit(mine, 'owner'))).toBe('forbidden');
    expect(codeOf(() => assertCanEdit({ ...mine, deletedAt: 1 }, 'me'))).toBe('not_found');
    expect(codeOf(() => assertCanEdit({ ...mine, kind: 'system' }, 'me'))).toBe('forbidden');
    expect(codeOf(() => assertCanDelete(mine, room(), 'owner'))).toBe('ok');
    expect(codeOf(() => assertCanDelete(mine, room(), 'me'))).toBe('ok');
    expect(codeOf(() => assertCanDelete(mine, room(), 'other'))).toBe('forbidden');
  });

  it('deletes matches when anyone leaves and code rooms and groups when empty', () => {
    expect(afterMemberLeft(room({ kind: 'match' }), 1)).toBe('delete');
    expect(afterMemberLeft(room({ kind: 'code' }), 1)).toBe('keep');
    expect(afterMemberLeft(room({ kind: 'code' }), 0)).toBe('delete');
    expect(afterMemberLeft(room({ kind: 'group' }), 0)).toBe('delete');
    expect(afterMemberLeft(room({ kind: 'channel' }), 0)).toBe('keep');
  });

  it('keys a DM by its unordered pair and normalises room names', () => {
    expect(dmKey('b', 'a')).toBe(dmKey('a', 'b'));
    expect(normaliseRoomName('  Rust   Lovers ')).toEqual({ display: 'Rust Lovers', key: 'rust lovers' });
    expect(codeOf(() => normaliseRoomName('<script>'))).toBe('bad_request');
  });
});

describe('message rules', () => {
  it('strips control and bidi-override characters and rejects blank text', () => {
    expect(cleanMessageText('a\u0000b\u202Ec\r\nd')).toBe('abc\nd');
    expect(codeOf(() => cleanMessageText('\u0000\u0001'))).toBe('bad_request');
  });

  it('accepts exactly one emoji as a reaction', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👩‍💻', '🇫🇷', '1️⃣']) expect(normaliseEmoji(emoji)).toBe(emoji);
    for (const bad of ['a', '👍👍', ':+1:', '<img>', '1', ''])
      expect(
        codeOf(() => normaliseEmoji(bad)),
        bad,
      ).toBe('bad_request');
  });

  it('groups reactions by emoji in order of first use', () => {
    expect(
      groupReactions([
        { emoji: '🎉', userId: 'b', createdAt: 3 },
        { emoji: '👍', userId: 'a', createdAt: 1 },
        { emoji: '👍', userId: 'c', createdAt: 2 },
      ]),
    ).toEqual([
      { emoji: '👍', userIds: ['a', 'c'] },
      { emoji: '🎉', userIds: ['b'] },
    ]);
  });

  it('shortens long reply previews on character boundaries', () => {
    expect(replyExcerpt('short')).toBe('short');
    const long = '😀'.repeat(200);
    expect([...replyExcerpt(long)]).toHaveLength(141);
  });
});

describe('match queue', () => {
  it('pairs first come, first served and never with oneself', async () => {
    const queue = new MemoryMatchQueue();
    expect(await queue.request('a')).toBeNull();
    expect(await queue.request('a')).toBeNull();
    expect(await queue.request('b')).toBe('a');
    expect(await queue.isWaiting('a')).toBe(false);
    expect(await queue.request('c')).toBeNull();
    expect(await queue.cancel('c')).toBe(true);
    expect(await queue.cancel('c')).toBe(false);
    expect(await queue.request('d')).toBeNull();
    expect(await queue.request('e')).toBe('d');
    await queue.request('f');
    await queue.requeue('g');
    expect(await queue.request('h')).toBe('g');
  });
});

describe('presence', () => {
  it('announces the first connect, and an offline only once the grace has passed with no socket', async () => {
    const presence = new MemoryPresence();
    expect(await presence.connect('u')).toBe(true);
    expect(await presence.connect('u')).toBe(false);
    expect(await presence.disconnect('u', 1_000)).toBe(false);
    expect(await presence.onlineAmong(['u', 'v'])).toEqual(new Set(['u']));
    expect(await presence.disconnect('u', 1_000)).toBe(true);
    // Gone, but within the grace: still shown online, nothing to announce yet.
    expect(await presence.onlineAmong(['u'])).toEqual(new Set(['u']));
    expect((await presence.tick(999)).offline).toEqual([]);
    expect((await presence.tick(1_000)).offline).toEqual(['u']);
    expect(await presence.onlineAmong(['u'])).toEqual(new Set());
    expect((await presence.tick(2_000)).offline).toEqual([]);
    // A socket that was never counted changes nothing.
    expect(await presence.disconnect('u', 3_000)).toBe(false);
  });

  it('turns a reconnect within the grace into no change at all', async () => {
    const presence = new MemoryPresence();
    expect(await presence.connect('u')).toBe(true);
    for (let i = 0; i < 100; i++) {
      await presence.disconnect('u', 500 + i);
      expect(await presence.connect('u')).toBe(false);
    }
    expect((await presence.tick(10_000)).offline).toEqual([]);
    await presence.disconnect('u', 20_000);
    expect((await presence.tick(20_000)).offline).toEqual(['u']);
    expect(await presence.connect('u')).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the configured rate', async () => {
    let now = 0;
    const rules = { send: { burst: 3, perSecond: 2 } } as never;
    const limiter = new MemoryRateLimiter(rules, () => now);
    for (let i = 0; i < 3; i++) expect((await limiter.take('send', 'u')).allowed).toBe(true);
    const denied = await limiter.take('send', 'u');
    expect(denied).toEqual({ allowed: false, retryAfterMs: 500 });
    expect((await limiter.take('send', 'other')).allowed).toBe(true);
    now += 500;
    expect((await limiter.peek('send', 'u')).allowed).toBe(true);
    expect((await limiter.take('send', 'u')).allowed).toBe(true);
    expect((await limiter.take('send', 'u')).allowed).toBe(false);
  });
});
