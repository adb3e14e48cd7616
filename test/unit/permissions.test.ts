import { describe, expect, it } from 'vitest';
import {
  type Actor,
  DEFAULT_POLICY,
  outranks,
  type RoomAction,
  type RoomPlace,
  roomRefusal,
  type ServerAction,
  serverRefusal,
  targetRefusal,
} from '../../src/server/domain/permissions.js';
import type { RoomKind, RoomRole, ServerRole } from '../../src/shared/protocol.js';

/**
 * The permission table, written out by hand: who may do what in which kind of room, and on
 * the server. Each row is checked for every actor and kind, so a right that is granted (or
 * refused) anywhere the table does not say fails here.
 */

const NOW = 1_000_000;
/** People, by their server role and their place in the room. */
const PEOPLE: Record<string, { server: ServerRole; room: RoomRole | null }> = {
  owner: { server: 'member', room: 'owner' },
  roomMod: { server: 'member', room: 'moderator' },
  member: { server: 'member', room: 'member' },
  guest: { server: 'guest', room: 'member' },
  admin: { server: 'admin', room: 'member' },
  serverMod: { server: 'moderator', room: 'member' },
  outsider: { server: 'member', room: null },
  adminOutside: { server: 'admin', room: null },
};
type Person = keyof typeof PEOPLE;
const KINDS: RoomKind[] = ['channel', 'group', 'dm', 'code', 'match'];
const MEMBERS: Person[] = ['owner', 'roomMod', 'member', 'guest', 'admin', 'serverMod'];
const CHANNEL_MODS: Person[] = ['owner', 'roomMod', 'admin', 'serverMod', 'adminOutside'];
const ROOM_MODS: Person[] = ['owner', 'roomMod'];
const everyKind = (who: Person[]) =>
  Object.fromEntries(KINDS.map((k) => [k, who])) as Record<RoomKind, Person[]>;

const ROOM_TABLE: Record<RoomAction, Record<RoomKind, Person[]>> = {
  post: everyKind(MEMBERS),
  react: everyKind(MEMBERS),
  'delete-any': { channel: CHANNEL_MODS, group: ROOM_MODS, code: ROOM_MODS, dm: [], match: [] },
  'add-member': { channel: [], group: ROOM_MODS, code: [], dm: [], match: [] },
  kick: { channel: CHANNEL_MODS, group: ROOM_MODS, code: ROOM_MODS, dm: [], match: [] },
  ban: { channel: CHANNEL_MODS, group: ROOM_MODS, code: ROOM_MODS, dm: [], match: [] },
  mute: { channel: CHANNEL_MODS, group: ROOM_MODS, code: ROOM_MODS, dm: [], match: [] },
  'edit-info': { channel: CHANNEL_MODS, group: ROOM_MODS, code: ROOM_MODS, dm: [], match: [] },
  'set-read-only': { channel: CHANNEL_MODS, group: [], code: [], dm: [], match: [] },
  archive: { channel: CHANNEL_MODS, group: [], code: [], dm: [], match: [] },
  'set-room-role': {
    channel: ['owner', 'admin', 'adminOutside'],
    group: ['owner'],
    code: ['owner'],
    dm: [],
    match: [],
  },
};

const actor = (who: Person, over: Partial<Actor> = {}): Actor => ({
  id: who,
  role: PEOPLE[who]!.server,
  deactivated: false,
  ...over,
});
const place = (who: Person, kind: RoomKind, over: Partial<RoomPlace> = {}): RoomPlace => ({
  kind,
  readOnly: false,
  archived: false,
  role: PEOPLE[who]!.room,
  mutedUntil: null,
  ...over,
});

describe('the room permission table', () => {
  for (const [action, byKind] of Object.entries(ROOM_TABLE) as [RoomAction, Record<RoomKind, Person[]>][]) {
    it(`${action}: exactly the people the table names, in each kind of room`, () => {
      for (const kind of KINDS) {
        const allowed = (Object.keys(PEOPLE) as Person[]).filter(
          (who) => roomRefusal(actor(who), action, place(who, kind), NOW) === null,
        );
        expect({ kind, allowed }).toEqual({ kind, allowed: byKind[kind] });
      }
    });
  }

  it('keeps a muted member from posting and reacting until the mute is over, with the time', () => {
    const muted = place('member', 'channel', { mutedUntil: NOW + 60_000 });
    expect(roomRefusal(actor('member'), 'post', muted, NOW)).toMatch(/muted .* until 1970-01-01T00:17:40/);
    expect(roomRefusal(actor('member'), 'react', muted, NOW)).toMatch(/muted/);
    expect(roomRefusal(actor('member'), 'post', muted, NOW + 60_000)).toBeNull();
    expect(roomRefusal(actor('member'), 'react', muted, NOW + 60_001)).toBeNull();
  });

  it('lets only moderators post in a read-only channel, and nobody in an archived one', () => {
    const readOnly = (who: Person) => place(who, 'channel', { readOnly: true });
    const posters = (Object.keys(PEOPLE) as Person[]).filter(
      (who) => roomRefusal(actor(who), 'post', readOnly(who), NOW) === null,
    );
    expect(posters).toEqual(['owner', 'roomMod', 'admin', 'serverMod']);
    expect(roomRefusal(actor('member'), 'react', readOnly('member'), NOW)).toBeNull();
    for (const who of MEMBERS) {
      const archived = place(who, 'channel', { archived: true });
      expect(roomRefusal(actor(who), 'post', archived, NOW)).toMatch(/archived/);
      expect(roomRefusal(actor(who), 'react', archived, NOW)).toMatch(/archived/);
    }
    // Unarchiving is an archive right: it stays with the moderators.
    expect(
      roomRefusal(actor('owner'), 'archive', place('owner', 'channel', { archived: true }), NOW),
    ).toBeNull();
  });

  it('gives a deactivated account no right at all, whatever its roles', () => {
    for (const action of Object.keys(ROOM_TABLE) as RoomAction[]) {
      expect(
        roomRefusal(actor('admin', { deactivated: true }), action, place('owner', 'channel'), NOW),
      ).toMatch(/deactivated/);
    }
  });
});

const SERVER_ROLES: ServerRole[] = ['admin', 'moderator', 'member', 'guest', 'bot'];
const SERVER_TABLE: Record<ServerAction, ServerRole[]> = {
  'view-admin': ['admin', 'moderator'],
  'handle-reports': ['admin', 'moderator'],
  'ban-guests': ['admin', 'moderator'],
  'manage-users': ['admin'],
  'delete-rooms': ['admin'],
  'manage-settings': ['admin'],
  'view-audit': ['admin'],
  'purge-messages': ['admin'],
  'manage-invites': ['admin'],
  'create-invite': ['admin', 'moderator'],
  'create-room': SERVER_ROLES,
  'open-dm': SERVER_ROLES,
  report: SERVER_ROLES,
};

describe('the server permission table', () => {
  const allowed = (action: ServerAction, policy = DEFAULT_POLICY) =>
    SERVER_ROLES.filter(
      (role) => serverRefusal({ id: role, role, deactivated: false }, action, policy) === null,
    );

  for (const [action, roles] of Object.entries(SERVER_TABLE) as [ServerAction, ServerRole[]][]) {
    it(`${action}: ${roles.join(', ')}`, () => expect(allowed(action)).toEqual(roles));
  }

  it('follows the policy an admin sets: member invites, guests without DMs or rooms', () => {
    expect(allowed('create-invite', { ...DEFAULT_POLICY, membersMayInvite: true })).toEqual([
      'admin',
      'moderator',
      'member',
    ]);
    const strict = { ...DEFAULT_POLICY, guestsMayOpenDms: false, guestsMayCreateRooms: false };
    expect(allowed('open-dm', strict)).toEqual(['admin', 'moderator', 'member', 'bot']);
    expect(allowed('create-room', strict)).toEqual(['admin', 'moderator', 'member', 'bot']);
    expect(serverRefusal({ id: 'g', role: 'guest', deactivated: false }, 'open-dm', strict)).toBe(
      'guests may not start direct messages here',
    );
  });

  it('refuses a deactivated admin', () => {
    expect(
      serverRefusal({ id: 'a', role: 'admin', deactivated: true }, 'manage-users', DEFAULT_POLICY),
    ).toMatch(/deactivated/);
  });

  it('never lets anyone but an admin act on someone of their own rank or above', () => {
    const who = (role: ServerRole): Actor => ({ id: role, role, deactivated: false });
    expect(outranks(who('moderator'), { role: 'member' })).toBe(true);
    expect(outranks(who('moderator'), { role: 'moderator' })).toBe(false);
    expect(outranks(who('moderator'), { role: 'admin' })).toBe(false);
    expect(outranks(who('member'), { role: 'guest' })).toBe(true);
    expect(outranks(who('member'), { role: 'member' })).toBe(false);
    expect(outranks(who('admin'), { role: 'admin' })).toBe(true);
  });
});

describe('whom a moderator may act on', () => {
  const channel = (role: RoomRole | null): RoomPlace => ({
    kind: 'channel',
    readOnly: false,
    archived: false,
    role,
    mutedUntil: null,
  });
  const who = (id: string, role: ServerRole): Actor => ({ id, role, deactivated: false });
  it('protects owners from their moderators, moderators from each other, and admins from everyone else', () => {
    const roomMod = who('m', 'member');
    expect(targetRefusal(roomMod, channel('moderator'), { id: 'x', role: 'member' }, 'member')).toBeNull();
    expect(targetRefusal(roomMod, channel('moderator'), { id: 'o', role: 'member' }, 'owner')).toMatch(
      /owner/,
    );
    expect(targetRefusal(roomMod, channel('moderator'), { id: 'n', role: 'member' }, 'moderator')).toMatch(
      /owner can/,
    );
    expect(
      targetRefusal(who('o', 'member'), channel('owner'), { id: 'n', role: 'member' }, 'moderator'),
    ).toBeNull();
    expect(targetRefusal(roomMod, channel('moderator'), { id: 'a', role: 'admin' }, 'member')).toMatch(
      /admin/,
    );
    expect(targetRefusal(who('s', 'moderator'), channel(null), { id: 'a', role: 'admin' }, null)).toMatch(
      /admin/,
    );
    expect(
      targetRefusal(who('s', 'moderator'), channel(null), { id: 't', role: 'moderator' }, 'member'),
    ).toMatch(/server moderator/);
    expect(targetRefusal(who('a', 'admin'), channel(null), { id: 'o', role: 'member' }, 'owner')).toBeNull();
    expect(targetRefusal(roomMod, channel('moderator'), { id: 'm', role: 'member' }, 'moderator')).toMatch(
      /yourself/,
    );
  });
});
