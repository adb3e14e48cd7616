/** Anything that takes a place in a room's log. */
export interface Sequenced {
  roomId: string;
  seq: number;
}

export interface RoomOrderOptions<S extends Sequenced> {
  /** How long a step that arrived ahead of a missing one may wait for it. */
  holdMs: number;
  /** Sends a step to the room's sockets. Called in seq order per room. */
  deliver(step: S): void;
  /** A step that arrived after its turn was given up (or twice): not sent again. */
  late(step: S): void;
  /** Rooms remembered at most; the least recently active are forgotten first. */
  maxRooms?: number;
  onHeld?(): void;
  onGaveUp?(): void;
}

interface RoomState<S> {
  /** The highest seq delivered. */
  last: number;
  held: Map<number, S>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Delivers each room's log steps in seq order. A room's seq order is its commit order, but
 * steps reach a node by different paths — its own commits at once, other nodes' through Redis
 * — so one committed later can arrive first. Such a step waits (at most `holdMs`) for the
 * steps before it; clients then see one ordered stream instead of noticing a gap and asking
 * for a sync. If the missing step does not come (its node died before it could publish), the
 * waiting ones go out anyway and clients close the gap with `sync`, as always.
 *
 * A room seen for the first time (or forgotten since) starts at whatever arrives: the node
 * cannot know what came before, and its clients' cursors decide that.
 */
export class RoomOrder<S extends Sequenced> {
  private readonly rooms = new Map<string, RoomState<S>>();
  private readonly maxRooms: number;

  constructor(private readonly options: RoomOrderOptions<S>) {
    this.maxRooms = options.maxRooms ?? 100_000;
  }

  push(step: S): void {
    const state = this.rooms.get(step.roomId);
    if (!state) {
      this.remember(step.roomId, { last: step.seq, held: new Map(), timer: undefined });
      this.options.deliver(step);
      return;
    }
    // Most recently active last, so the first entry is the one to forget.
    this.rooms.delete(step.roomId);
    this.rooms.set(step.roomId, state);
    if (step.seq <= state.last || state.held.has(step.seq)) {
      this.options.late(step);
      return;
    }
    if (step.seq !== state.last + 1) {
      state.held.set(step.seq, step);
      this.options.onHeld?.();
      state.timer ??= setTimeout(() => this.giveUp(step.roomId), this.options.holdMs);
      return;
    }
    this.options.deliver(step);
    state.last = step.seq;
    for (let next = state.held.get(state.last + 1); next; next = state.held.get(state.last + 1)) {
      state.held.delete(next.seq);
      this.options.deliver(next);
      state.last = next.seq;
    }
    if (state.held.size === 0 && state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  /** The room is gone: whatever waits goes out first, in order, then the room is forgotten. */
  end(roomId: string): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    this.flush(state);
    this.rooms.delete(roomId);
  }

  /** Steps waiting for a missing one, in all rooms. */
  get waiting(): number {
    let count = 0;
    for (const state of this.rooms.values()) count += state.held.size;
    return count;
  }

  /** Stops every timer, delivering what waits (shutdown). */
  close(): void {
    for (const state of this.rooms.values()) this.flush(state);
    this.rooms.clear();
  }

  private giveUp(roomId: string): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    state.timer = undefined;
    this.options.onGaveUp?.();
    this.flush(state);
  }

  private flush(state: RoomState<S>): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    for (const seq of [...state.held.keys()].sort((x, y) => x - y)) {
      this.options.deliver(state.held.get(seq)!);
      state.last = seq;
    }
    state.held.clear();
  }

  private remember(roomId: string, state: RoomState<S>): void {
    this.rooms.set(roomId, state);
    if (this.rooms.size <= this.maxRooms) return;
    const [oldestId, oldest] = this.rooms.entries().next().value!;
    this.flush(oldest);
    this.rooms.delete(oldestId);
  }
}
