import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, generateCode, normaliseCode } from '../../src/server/domain/codes.js';
import { DomainError } from '../../src/server/domain/errors.js';
import { MemoryMatchQueue } from '../../src/server/domain/matchmaker.js';
import { cleanMessageText, groupReactions, normaliseEmoji } from '../../src/server/domain/messages.js';
import { MemoryPresence } from '../../src/server/domain/presence.js';
import { addressBucket, MemoryRateLimiter } from '../../src/server/domain/rate-limit.js';
import {
  afterMemberLeft,
  assertCanEdit,
  assertHasCapacity,
  assertJoinable,
  assertLeavable,
  assertReadable,
  dmKey,
  isOwnMessage,
  normaliseRoomName,
  type RoomRecord,
} from '../../src/server/domain/rooms.js';
import {
  normaliseUsername,
  usernameKey,
  usernameKeys,
  usernameSkeleton,
} from '../../src/server/domain/usernames.js';
import { replyExcerpt } from '../../src/shared/format.js';

const room = (over: Partial<RoomRecord> = {}): RoomRecord => ({
  id: 'r1',
  kind: 'group',
  name: 'g',
  code: null,
  ownerId: 'owner',
  maxMembers: null,
  lastSeq: 0,
  createdAt: 0,
  readOnly: false,
  archived: false,
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
  // Two names are one when they are equal compared for case, or when they look alike.
  const sameName = (a: string, b: string) => {
    const [first, second] = [usernameKeys(a), usernameKeys(b)];
    return first.key === second.key || first.skeleton === second.skeleton;
  };

  it.each([
    ['case', 'alice', ['Alice', 'ALICE', 'aLiCe']],
    ['Cyrillic letters', 'alice', ['\u0430lice', '\u0410lice', 'ali\u0441e']],
    ['Greek letters', 'bob', ['b\u03bfb', '\u0392ob']],
    ['a name all in Cyrillic', 'apple', ['\u0430\u0440\u0440l\u0435']],
    ['capital I for l', 'Alicexyz', ['AIicexyz', 'ALICEXYZ', 'alicexyz']],
    ['1 and | for l, 0 for o', 'lollipop', ['1o11ipop', 'l0llip0p', 'LOLLIPOP']],
    ['rn for m', 'mallory', ['rnallory', 'Mallory', 'MALLORY', 'RNALLORY', 'MaIlory']],
    ['surrounding spaces', 'alice', [' alice ', '\u00a0alice\u3000']],
    ['zero-width characters', 'alice', ['al\u200bice', 'a\u200dlice\ufeff', 'ali\u2060ce']],
    ['bidi controls', 'alice', ['\u202ealice', 'ali\u200fce', 'alice\u2066']],
    ['full-width forms', 'alice', ['\uff41\uff4c\uff49\uff43\uff45', '\uff21\uff2c\uff29\uff23\uff25']],
    ['combining marks', 'zoe', ['Zo\u00eb', 'zoe\u0308', 'zo\u0300\u0301e', 'Z\u00d6E']],
    ['dotted capital I', 'Istanbul', ['\u0130stanbul', 'istanbul']],
  ])('treats %s as the same name', (_what, name, lookAlikes) => {
    for (const other of lookAlikes)
      expect(sameName(name, other), `${name} ~ ${JSON.stringify(other)}`).toBe(true);
  });

  it('tells apart names that differ to the eye', () => {
    for (const [a, b] of [
      ['neil', 'nell'],
      ['ali', 'all'],
      ['kai', 'kal'],
      ['al1ce', 'alece'],
      ['mallory', 'rnalory'],
      ['山田', '山口'],
      ['नमस्ते', 'नमसत'], // Devanagari vowel signs are marks, and letters of the name
      ['straße', 'strabe'],
    ]) {
      expect(sameName(a!, b!), `${a} / ${b}`).toBe(false);
    }
  });

  it('compares looks before folding case, and again after', () => {
    expect(usernameSkeleton('AIice')).toBe(usernameSkeleton('alice'));
    // The case key alone would let these through; the skeleton alone would not fold ALICE.
    expect(usernameKey('AIice')).not.toBe(usernameKey('alice'));
    expect(usernameKey('ALICE')).toBe(usernameKey('alice'));
    expect(usernameSkeleton('MALLORY')).toBe(usernameSkeleton('rnallory'));
    expect(usernameSkeleton('b0b')).toBe(usernameSkeleton('bob'));
  });

  it('keeps the display form and enforces length and charset', () => {
    expect(normaliseUsername('  Zoë_99 ')).toEqual({
      display: 'Zoë_99',
      key: usernameKey('Zoë_99'),
      skeleton: usernameSkeleton('Zoë_99'),
    });
    expect(normaliseUsername('山田').display).toBe('山田');
    expect(normaliseUsername('ａｌｉｃｅ').display).toBe('alice');
    for (const bad of [
      'a',
      'x'.repeat(33),
      'two words',
      '_lead',
      'trail.',
      '<b>',
      'a\u202Eb',
      'al\u200bice',
      'ali\u2066ce',
      '\u0301alice',
    ]) {
      expect(
        codeOf(() => normaliseUsername(bad)),
        bad,
      ).toBe('bad_request');
    }
  });
});

describe('address buckets', () => {
  it('keeps IPv4 addresses and groups IPv6 ones by their /64', () => {
    expect(addressBucket('203.0.113.5')).toBe('203.0.113.5');
    expect(addressBucket('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressBucket('2001:db8:1:2::10')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:ffff:0:0:99')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:DB8:1:2::1%eth0')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('2001:db8:1:3::10')).not.toBe(addressBucket('2001:db8:1:2::10'));
    expect(addressBucket('unknown')).toBe('unknown');
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
    expect(codeOf(() => assertLeavable(room({ kind: 'dm' })))).toBe('forbidden');
    expect(codeOf(() => assertLeavable(room({ kind: 'code' })))).toBe('ok');
  });

  it('lets authors edit and tells their own messages apart (deleting others is in the permission table)', () => {
    const mine = { authorId: 'me', kind: 'user' as const, deletedAt: null };
    expect(codeOf(() => assertCanEdit(mine, 'me'))).toBe('ok');
    expect(codeOf(() => assertCanEdit(mine, 'owner'))).toBe('forbidden');
    expect(codeOf(() => assertCanEdit({ ...mine, deletedAt: 1 }, 'me'))).toBe('not_found');
    expect(codeOf(() => assertCanEdit({ ...mine, kind: 'system' }, 'me'))).toBe('forbidden');
    expect(isOwnMessage(mine, 'me')).toBe(true);
    expect(isOwnMessage(mine, 'other')).toBe(false);
    expect(isOwnMessage({ ...mine, kind: 'system' }, 'me')).toBe(false);
    expect(codeOf(() => isOwnMessage({ ...mine, deletedAt: 1 }, 'me'))).toBe('not_found');
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
