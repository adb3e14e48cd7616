import type { LogEvent, MyRoom, RoomDeletedEvent } from '../../shared/protocol.js';

/**
 * What a service call wants the outside world to see once its transaction has committed.
 * Services never touch sockets; the realtime gateway applies effects in order, which keeps
 * the rules testable and lets the same calls serve HTTP routes and socket handlers.
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
  /** Tell one user a room is gone for them, while it lives on for others. */
  | { kind: 'room-gone'; userId: string; roomId: string; reason: RoomDeletedEvent['reason'] };

export interface Outcome<T> {
  value: T;
  effects: Effect[];
}

export const outcome = <T>(value: T, effects: Effect[] = []): Outcome<T> => ({ value, effects });
