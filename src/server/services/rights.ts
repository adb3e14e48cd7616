import { notFound } from '../domain/errors.js';
import {
  type Actor,
  assertRoomRight,
  assertServerRight,
  type Policy,
  type RoomAction,
  type RoomPlace,
  type ServerAction,
} from '../domain/permissions.js';
import type { RoomRecord } from '../domain/rooms.js';
import type { Executor } from '../store/executor.js';
import { findMembership } from '../store/memberships.js';
import { findUserById } from '../store/users.js';

/**
 * Loads what domain/permissions.ts decides on — the actor as the store has them now, and
 * their place in a room — inside the caller's job, so the check and the write see the same
 * state. A role changed a moment ago counts at once; nothing is taken from the session.
 */

export async function actorOf(db: Executor, userId: string): Promise<Actor> {
  const row = await findUserById(db, userId);
  if (!row) throw notFound('user not found');
  return { id: row.id, role: row.role, deactivated: row.deactivated_at !== null };
}

export async function placeIn(db: Executor, room: RoomRecord, userId: string): Promise<RoomPlace> {
  const membership = await findMembership(db, room.id, userId);
  return {
    kind: room.kind,
    readOnly: room.readOnly,
    archived: room.archived,
    role: membership?.role ?? null,
    mutedUntil: membership?.muted_until ?? null,
  };
}

/** Refuses with `forbidden` unless `userId` may do `action` in the room; returns the actor. */
export async function requireRoomRight(
  db: Executor,
  userId: string,
  room: RoomRecord,
  action: RoomAction,
  now: number,
): Promise<Actor> {
  const actor = await actorOf(db, userId);
  assertRoomRight(actor, action, await placeIn(db, room, userId), now);
  return actor;
}

/**
 * Refuses with `forbidden` unless `userId` may do `action` on the server; returns the actor.
 * `policy` is the server's settings as they are now (services/settings.ts).
 */
export async function requireServerRight(
  db: Executor,
  userId: string,
  action: ServerAction,
  policy: Policy,
): Promise<Actor> {
  const actor = await actorOf(db, userId);
  assertServerRight(actor, action, policy);
  return actor;
}
