import type { RoomKind, RoomRole, SelfRights, ServerRole } from '../../shared/protocol.js';
import { forbidden } from './errors.js';

/**
 * Who may do what: one table for the whole server, decided here and nowhere else. Services
 * load the actor's current role and membership (never a copy cached in a socket: a demotion
 * takes effect on the next action), ask `roomRight` or `serverRight`, and only then write.
 * The web client is told the answers that shape its screens (`serverRightsOf`, in `Self`), to
 * offer only what can be done; the server's answer to each request is the one that counts. test/unit/permissions.test.ts walks the table.
 */

/** What a member may do in a room. */
export type RoomAction =
  /** Send a message (also: reply). */
  | 'post'
  | 'react'
  /** Delete someone else's message. */
  | 'delete-any'
  /** Add a member to a group by hand. */
  | 'add-member'
  /** Remove a member (kick); they may come back unless banned. */
  | 'kick'
  | 'ban'
  | 'mute'
  /** Name, topic, description. */
  | 'edit-info'
  | 'set-read-only'
  | 'archive'
  /** Make a member a room moderator, or back. */
  | 'set-room-role';

/** What a user may do across the server. */
export type ServerAction =
  /** Open the admin page at all (users, reports). */
  | 'view-admin'
  /** Change someone's server role; deactivate or reactivate them; issue a sign-in link. */
  | 'manage-users'
  /** Sign-up policy, guest rules, limits. */
  | 'manage-settings'
  | 'view-audit'
  /** The report queue: see reports and act on them. */
  | 'handle-reports'
  /** Remove a user's messages everywhere at once (spam clean-up). */
  | 'purge-messages'
  /** Refuse a guest name or an address. */
  | 'ban-guests'
  /** Delete any room outright, with its history (the admin page's Rooms). */
  | 'delete-rooms'
  | 'manage-invites'
  | 'create-invite'
  | 'create-room'
  | 'open-dm'
  | 'report';

/** The acting user, as the store has them now. */
export interface Actor {
  id: string;
  role: ServerRole;
  deactivated: boolean;
}

/** The room and the actor's place in it. */
export interface RoomPlace {
  kind: RoomKind;
  readOnly: boolean;
  archived: boolean;
  /** The actor's role in the room; null when they are not a member. */
  role: RoomRole | null;
  /** Until when the actor may not post or react in the room (ms since the epoch), if muted. */
  mutedUntil: number | null;
}

/** Server settings the table depends on (the admin changes them at runtime). */
export interface Policy {
  guestsMayOpenDms: boolean;
  guestsMayCreateRooms: boolean;
  membersMayInvite: boolean;
}

export const DEFAULT_POLICY: Policy = {
  guestsMayOpenDms: true,
  guestsMayCreateRooms: true,
  membersMayInvite: false,
};

/** Server staff: they moderate every channel (not private groups, DMs or code rooms). */
export const isStaff = (role: ServerRole) => role === 'admin' || role === 'moderator';

/** Kinds of room that have moderation at all: a DM is two people, a match one conversation. */
const MODERATED: ReadonlySet<RoomKind> = new Set(['channel', 'group', 'code']);

/** Whether the actor moderates the room: by their room role, or as staff in a channel. */
export function moderates(actor: Actor, place: RoomPlace): boolean {
  if (!MODERATED.has(place.kind)) return false;
  if (place.role === 'owner' || place.role === 'moderator') return true;
  return place.kind === 'channel' && isStaff(actor.role);
}

/** Why the actor may not do it, or null when they may. */
export function roomRefusal(actor: Actor, action: RoomAction, place: RoomPlace, now: number): string | null {
  if (actor.deactivated) return 'your account is deactivated';
  const member = place.role !== null;
  const mod = moderates(actor, place);
  const muted = place.mutedUntil !== null && place.mutedUntil > now;
  switch (action) {
    case 'post':
      if (!member) return 'you are not a member of this room';
      if (place.archived) return 'this room is archived: its history is kept, nobody posts';
      if (muted) return `you are muted in this room until ${new Date(place.mutedUntil!).toISOString()}`;
      if (place.readOnly && !mod) return 'this room is read-only: only its moderators post';
      return null;
    case 'react':
      if (!member) return 'you are not a member of this room';
      if (place.archived) return 'this room is archived';
      if (muted) return `you are muted in this room until ${new Date(place.mutedUntil!).toISOString()}`;
      return null;
    case 'delete-any':
      // Staff may clean up a channel they have not joined (a report brings them there).
      return mod ? null : 'only the room’s moderators can delete other people’s messages';
    case 'add-member':
      if (place.kind !== 'group') return 'only group members are added by hand';
      return place.role === 'owner' || place.role === 'moderator'
        ? null
        : 'only the group’s owner and moderators can add members';
    case 'kick':
    case 'ban':
    case 'mute':
      return mod ? null : 'only the room’s moderators can do that';
    case 'edit-info':
      if (place.kind === 'dm' || place.kind === 'match') return 'this conversation has no name to edit';
      return mod ? null : 'only the room’s moderators can change its name, topic and description';
    case 'set-read-only':
    case 'archive':
      if (place.kind !== 'channel') return 'only channels can be made read-only or archived';
      return mod ? null : 'only the channel’s moderators can do that';
    case 'set-room-role':
      if (!MODERATED.has(place.kind)) return 'this conversation has no moderators';
      // The owner names moderators; in a channel, so do the server's admins (a seeded channel
      // has no owner).
      return place.role === 'owner' || (place.kind === 'channel' && actor.role === 'admin')
        ? null
        : 'only the room’s owner can name its moderators';
  }
}

/** Why the actor may not do it across the server, or null when they may. */
export function serverRefusal(actor: Actor, action: ServerAction, policy: Policy): string | null {
  if (actor.deactivated) return 'your account is deactivated';
  const { role } = actor;
  switch (action) {
    case 'view-admin':
    case 'handle-reports':
    case 'ban-guests':
      return isStaff(role) ? null : 'only admins and moderators can do that';
    case 'delete-rooms':
    case 'manage-users':
    case 'manage-settings':
    case 'view-audit':
    case 'purge-messages':
    case 'manage-invites':
      return role === 'admin' ? null : 'only admins can do that';
    case 'create-invite':
      if (isStaff(role)) return null;
      return role === 'member' && policy.membersMayInvite ? null : 'only admins can create invites';
    case 'create-room':
      return role !== 'guest' || policy.guestsMayCreateRooms ? null : 'guests may not create rooms here';
    case 'open-dm':
      return role !== 'guest' || policy.guestsMayOpenDms ? null : 'guests may not start direct messages here';
    case 'report':
      return null;
  }
}

/** What the client should offer this actor (they are asked again per request). */
export const serverRightsOf = (actor: Actor, policy: Policy): SelfRights => ({
  createRoom: serverRefusal(actor, 'create-room', policy) === null,
  openDm: serverRefusal(actor, 'open-dm', policy) === null,
  createInvite: serverRefusal(actor, 'create-invite', policy) === null,
});

export function assertRoomRight(actor: Actor, action: RoomAction, place: RoomPlace, now: number): void {
  const refusal = roomRefusal(actor, action, place, now);
  if (refusal) throw forbidden(refusal);
}

export function assertServerRight(actor: Actor, action: ServerAction, policy: Policy): void {
  const refusal = serverRefusal(actor, action, policy);
  if (refusal) throw forbidden(refusal);
}

/**
 * Whether `actor` may act on `target` at all: nobody moderates someone of a higher server
 * rank, and only an admin acts on an admin (a moderator cannot mute the admin in #general).
 */
export function outranks(actor: Actor, target: { role: ServerRole }): boolean {
  return RANK[actor.role] > RANK[target.role] || actor.role === 'admin';
}

/**
 * Whether a moderator may act on this member (kick, ban, mute, change their room role): never
 * on themselves; never on an admin unless an admin; never on the room's owner, nor on another
 * moderator, unless they outrank them — the owner, or server staff in a channel. A room's
 * moderator cannot remove its owner; a server moderator cannot mute an admin.
 */
export function targetRefusal(
  actor: Actor,
  actorPlace: RoomPlace,
  target: { id: string; role: ServerRole },
  targetRole: RoomRole | null,
): string | null {
  if (actor.id === target.id) return 'you cannot do that to yourself';
  if (target.role === 'admin' && actor.role !== 'admin') return 'only an admin can do that to an admin';
  const staffHere = actorPlace.kind === 'channel' && isStaff(actor.role);
  if (isStaff(target.role) && actorPlace.kind === 'channel' && !outranks(actor, target))
    return 'only an admin can do that to a server moderator';
  if (targetRole === 'owner' && !(staffHere && actor.role === 'admin'))
    return 'nobody but an admin can do that to the room’s owner';
  if (targetRole === 'moderator' && actorPlace.role !== 'owner' && !staffHere)
    return 'only the room’s owner can do that to one of its moderators';
  return null;
}

const RANK: Record<ServerRole, number> = { admin: 4, moderator: 3, member: 2, bot: 1, guest: 1 };
