import { displayRoomName, roomNameProblem } from '../../shared/names.js';
import type { RoomKind } from '../../shared/protocol.js';
import { badRequest, conflict, forbidden, notFound } from './errors.js';

/**
 * Who may do what with a room. Pure rules over plain records: the services load the records,
 * ask these functions, and only then write.
 */

export interface RoomRecord {
  id: string;
  kind: RoomKind;
  name: string | null;
  code: string | null;
  ownerId: string | null;
  maxMembers: number | null;
  lastSeq: number;
  createdAt: number;
  readOnly: boolean;
  archived: boolean;
}

export type { RoomRole as MemberRole } from '../../shared/protocol.js';

/** Rooms whose membership follows presence and that disappear when they empty or end. */
export const isEphemeral = (kind: RoomKind) => kind === 'code' || kind === 'match';

/**
 * Private rooms answer "not found" to outsiders, so a guessed id reveals nothing about whether
 * the room exists.
 */
export function assertReadable(room: RoomRecord | undefined, isMember: boolean): asserts room is RoomRecord {
  if (!room || !isMember) throw notFound('room not found');
}

export function assertJoinable(room: RoomRecord | undefined): asserts room is RoomRecord {
  if (room?.kind !== 'channel') throw notFound('room not found');
}

export function assertHasCapacity(room: RoomRecord, memberCount: number, adding = 1): void {
  if (room.maxMembers !== null && memberCount + adding > room.maxMembers) {
    throw conflict(`room is full (${room.maxMembers} members at most)`);
  }
}

export function assertLeavable(room: RoomRecord): void {
  if (room.kind === 'dm') throw forbidden('a direct conversation cannot be left');
}

export interface MessageRef {
  authorId: string | null;
  kind: 'user' | 'system';
  deletedAt: number | null;
}

export function assertCanEdit(message: MessageRef, actorId: string): void {
  if (message.deletedAt !== null) throw notFound('message not found');
  if (message.kind !== 'user' || message.authorId !== actorId) {
    throw forbidden('you can only edit your own messages');
  }
}

/** Authors delete their own; deleting someone else's is a moderation right (domain/permissions.ts). */
export function isOwnMessage(message: MessageRef, actorId: string): boolean {
  if (message.deletedAt !== null) throw notFound('message not found');
  return message.kind === 'user' && message.authorId === actorId;
}

export function assertCanReact(message: MessageRef): void {
  if (message.deletedAt !== null || message.kind !== 'user') throw notFound('message not found');
}

/** What happens to a room once a member has gone. */
export type AfterLeave = 'keep' | 'delete';

export function afterMemberLeft(room: RoomRecord, remainingMembers: number): AfterLeave {
  switch (room.kind) {
    case 'match':
      // A random chat is a conversation between two people: one leaving ends it.
      return 'delete';
    case 'code':
    case 'group':
      return remainingMembers === 0 ? 'delete' : 'keep';
    default:
      return 'keep';
  }
}

/** One DM per pair of users, whichever of them opens it. */
export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The rule is shared (shared/names.ts): the web client checks and shows the same one. */
export function normaliseRoomName(raw: string): { display: string; key: string } {
  const problem = roomNameProblem(raw);
  if (problem) throw badRequest(problem, 'name');
  const display = displayRoomName(raw);
  return { display, key: display.toLowerCase() };
}
