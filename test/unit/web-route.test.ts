import { describe, expect, it } from 'vitest';
import { modesFor } from '../../src/web/components/AuthScreen.js';
import {
  inviteTokenOf,
  messageHash,
  parseRoute,
  roomHash,
  routeRoomId,
  signInToken,
} from '../../src/web/lib/route.js';

describe('web client routes', () => {
  it('parses every address the app writes, and gives nothing for the rest', () => {
    expect(parseRoute('')).toEqual({ kind: 'none' });
    expect(parseRoute('#/')).toEqual({ kind: 'none' });
    expect(parseRoute('#/c/general')).toEqual({ kind: 'channel', name: 'general' });
    expect(parseRoute('#/c/caf%C3%A9%20talk')).toEqual({ kind: 'channel', name: 'café talk' });
    expect(parseRoute('#/r/abc-123')).toEqual({ kind: 'room', roomId: 'abc-123' });
    expect(parseRoute('#/r/abc/m/def')).toEqual({ kind: 'room', roomId: 'abc', messageId: 'def' });
    expect(parseRoute('#/code/ABC123')).toEqual({ kind: 'code', code: 'ABC123' });
    for (const junk of ['#/r/', '#/c/', '#/r/a/m/', '#/r/a/x/b', '#/c/%E0%A4%A', '#general', '#/x/y']) {
      expect({ junk, route: parseRoute(junk) }).toEqual({ junk, route: { kind: 'none' } });
    }
  });

  it('formats channels by name and other rooms and messages by id, and reads them back', () => {
    const channel = { id: 'c1', kind: 'channel' as const, name: 'café talk' };
    const group = { id: 'g 1', kind: 'group' as const, name: 'friends' };
    expect(roomHash(channel)).toBe('#/c/caf%C3%A9%20talk');
    expect(roomHash(group)).toBe('#/r/g%201');
    expect(messageHash('g 1', 'm/2')).toBe('#/r/g%201/m/m%2F2');
    const rooms = [channel, group];
    expect(routeRoomId(parseRoute(roomHash(channel)), rooms)).toBe('c1');
    expect(routeRoomId(parseRoute('#/c/CAFÉ%20TALK'), rooms)).toBe('c1');
    expect(routeRoomId(parseRoute(roomHash(group)), rooms)).toBe('g 1');
    expect(parseRoute(messageHash('g 1', 'm/2'))).toEqual({ kind: 'room', roomId: 'g 1', messageId: 'm/2' });
    // Not the user's: a group's name is no address, an unknown id names nothing.
    expect(routeRoomId(parseRoute('#/c/friends'), rooms)).toBeNull();
    expect(routeRoomId(parseRoute('#/r/elsewhere'), rooms)).toBeNull();
  });

  it('reads an invite from its link or its bare code, and nothing else', () => {
    expect(inviteTokenOf('https://chat.example.com/#/invite/Ab_c-9')).toBe('Ab_c-9');
    expect(inviteTokenOf('  Ab_c-9 ')).toBe('Ab_c-9');
    for (const junk of ['', 'https://chat.example.com/#/c/general', 'two words', '#/invite/']) {
      expect({ junk, token: inviteTokenOf(junk) }).toEqual({ junk, token: null });
    }
  });

  it('offers only the sign-in tabs the server’s policy leaves', () => {
    const options = { firstAccountIsAdmin: false, signupPolicy: 'open', guestsAllowed: true } as const;
    expect(modesFor(null)).toEqual(['guest', 'login', 'register']);
    expect(modesFor(options)).toEqual(['guest', 'login', 'register']);
    expect(modesFor({ ...options, guestsAllowed: false })).toEqual(['login', 'register']);
    expect(modesFor({ ...options, signupPolicy: 'invite' })).toEqual(['guest', 'login', 'register']);
    expect(modesFor({ ...options, signupPolicy: 'closed', guestsAllowed: false })).toEqual(['login']);
    // A fresh server's first account may always register: that is how it gets its admin.
    expect(modesFor({ ...options, signupPolicy: 'closed', firstAccountIsAdmin: true })).toEqual([
      'guest',
      'login',
      'register',
    ]);
  });
});

describe('sign-in link addresses', () => {
  it('finds the token of #/sign-in/<token>, and nothing in any other address', () => {
    const token = 'DqahWW5CGF_TS66aFT-2S9PJOojYbgnCS159xxFAdY8';
    expect(signInToken(`#/sign-in/${token}`)).toBe(token);
    expect(signInToken(`#/sign-in/${token}/`)).toBe(token);
    expect(signInToken('#/sign-in/')).toBeNull();
    expect(signInToken('#/sign-in/short')).toBeNull();
    expect(signInToken(`#/sign-in/${token}/more`)).toBeNull();
    expect(signInToken(`#/c/sign-in/${token}`)).toBeNull();
    expect(parseRoute(`#/sign-in/${token}`)).toEqual({ kind: 'none' });
  });
});
