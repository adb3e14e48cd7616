import type { LogEvent, MyRoom, ReportHandledEvent, RoomDeletedEvent } from '../../shared/protocol.js';

/**
 * What a service call wants the outside world to see once its transaction has committed.
 * Services never touch sockets: a write-queue job returns an Outcome, and the effects of every
 * job of a batch are announced together, in commit order, once the batch has committed
 * (services/index.ts); the realtime gateway turns them into broadcasts. That keeps the rules
 * testable, lets the same calls serve HTTP routes and socket handlers, and makes live events
 * leave in the order their changes were stored.
 */
export type Effect =
  /** Broadcast a room-log event to the room's members. */
  | { kind: 'log'; event: LogEvent }
  /** Route the room's events to (or away from) every socket of these users. */
  | { kind: 'subscribe' | 'unsubscribe'; roomId: string; userIds: string[] }
  /** Tell the room's members it is gone, then detach every socket from it. */
  | { kind: 'room-deleted'; roomId: string; reason: RoomDeletedEvent['reason'] }
  /** Tell one user about a room they were put in by someone else. */
  | { kind: 'notify'; userId: string; event: 'room:added' | 'match:found'; room: MyRoom }
  /** Tell a reporter their report was handled. */
  | { kind: 'report-handled'; userId: string; event: ReportHandledEvent }
  /** Tell one user a room is gone for them, while it lives on for others. */
  | { kind: 'room-gone'; userId: string; roomId: string; reason: RoomDeletedEvent['reason'] }
  /** The server's settings changed: every node drops its copy (services/settings.ts). */
  | { kind: 'settings-changed' }
  /** These users' role or standing changed: their sockets get a new `me:updated`. */
  | { kind: 'self-changed'; userIds: string[] };

/** A job's result: the value for the caller, and the effects to announce after the commit. */
export class Outcome<T> {
  constructor(
    readonly value: T,
    readonly effects: Effect[] = [],
  ) {}
}

export const outcome = <T>(value: T, effects: Effect[] = []): Outcome<T> => new Outcome(value, effects);

/** The effects of a committed batch's jobs, in job (and so commit) order. */
export function effectsOf(results: readonly unknown[]): Effect[] {
  return results.flatMap((result) => (result instanceof Outcome ? result.effects : []));
}
