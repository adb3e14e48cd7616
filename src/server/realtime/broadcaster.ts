import type { LogEvent, PresenceEvent, TypingEvent } from '../../shared/protocol.js';
import type { Metrics } from '../metrics.js';
import type { Effect } from '../services/effects.js';
import { roomChannel, sessionChannel, userChannel } from './channels.js';
import { RoomOrder } from './room-order.js';
import type { ParleyServer, ParleySocket } from './types.js';

/** Something a node tells sockets — its own and, through the cluster bus, every other node's. */
export type Delivery =
  | Effect
  | { kind: 'presence'; event: PresenceEvent; roomIds: string[] }
  | { kind: 'typing'; event: TypingEvent }
  | { kind: 'disconnect-sessions'; sessionIds: string[] };

type RoomEffect = Exclude<Effect, { kind: 'log' | 'settings-changed' | 'self-changed' }>;
type Immediate = Exclude<Delivery, { kind: 'log' }>;

/** Where deliveries go to reach the other nodes (cluster/bus.ts); absent on a single node. */
export interface Peers {
  publish(deliveries: readonly Delivery[]): void;
}

/**
 * One entry of a room's log with the subscription changes that belong to it: who starts
 * receiving the room just before its event (a join), who stops just after (a leave). Kept
 * together so that, whichever order steps arrive in, a member never sees an event from before
 * their join or misses one from before their leave.
 */
export interface RoomStep {
  kind: 'step';
  roomId: string;
  seq: number;
  before: RoomEffect[];
  event: LogEvent;
  after: RoomEffect[];
}

/** What the gateway does about deliveries that change what this node holds, not sockets. */
export interface BroadcastHooks {
  /** The settings changed, here or on another node: drop this node's copy, tell its sockets. */
  settingsChanged?(): void;
  /** These users' role or standing changed: tell their sockets on this node. */
  selvesChanged?(userIds: readonly string[]): void;
}

/** How long a room's event that arrived early waits for the ones before it (RoomOrder). */
export const HOLD_FOR_GAP_MS = 250;

/**
 * Turns deliveries into emits on this node's sockets: room-log events in each room's seq order
 * (RoomOrder), everything else at once, in the order given. What this node committed is also
 * published to its peers, which deliver it through the same code (`fromPeer`), so a
 * broadcast never waits on Redis to reach this node's own sockets.
 */
export class Broadcaster {
  private readonly order: RoomOrder<RoomStep>;

  constructor(
    private readonly io: ParleyServer,
    private readonly peers: Peers | undefined,
    metrics?: Metrics,
    private readonly hooks: BroadcastHooks = {},
  ) {
    this.order = new RoomOrder<RoomStep>({
      holdMs: HOLD_FOR_GAP_MS,
      deliver: (step) => this.deliverStep(step),
      // Its event's turn is over (clients that saw the gap synced), but who joined or left
      // with it still must be (un)subscribed.
      late: (step) => {
        for (const effect of [...step.before, ...step.after]) this.applyEffect(effect);
      },
      onHeld: () => metrics?.roomEventsHeld.inc(),
      onGaveUp: () => metrics?.roomGapsGivenUp.inc(),
    });
  }

  /** What this node decided: to its own sockets now, and to every other node. */
  announce(deliveries: readonly Delivery[]): void {
    if (deliveries.length === 0) return;
    this.peers?.publish(deliveries);
    this.deliver(deliveries);
  }

  /** What another node decided. */
  fromPeer(deliveries: readonly Delivery[]): void {
    this.deliver(deliveries);
  }

  /** A typing notice reaches the room's other sockets, here and on every node. */
  typing(socket: ParleySocket, event: TypingEvent): void {
    socket.to(roomChannel(event.roomId)).emit('typing', event);
    this.peers?.publish([{ kind: 'typing', event }]);
  }

  close(): void {
    this.order.close();
  }

  private deliver(deliveries: readonly Delivery[]): void {
    for (const item of toSteps(deliveries)) {
      if (item.kind === 'step') this.order.push(item);
      else this.applyNow(item);
    }
  }

  private deliverStep(step: RoomStep): void {
    for (const effect of step.before) this.applyEffect(effect);
    this.io.to(roomChannel(step.roomId)).emit(step.event.type, step.event as never);
    for (const effect of step.after) this.applyEffect(effect);
  }

  private applyNow(item: Immediate): void {
    const { io } = this;
    switch (item.kind) {
      case 'presence':
        io.to([userChannel(item.event.userId), ...item.roomIds.map(roomChannel)]).emit(
          'presence',
          item.event,
        );
        return;
      case 'typing':
        io.to(roomChannel(item.event.roomId)).emit('typing', item.event);
        return;
      case 'disconnect-sessions':
        io.in(item.sessionIds.map(sessionChannel)).disconnectSockets(true);
        return;
      case 'settings-changed':
        this.hooks.settingsChanged?.();
        return;
      case 'self-changed':
        this.hooks.selvesChanged?.(item.userIds);
        return;
      case 'room-deleted':
        // Whatever the room still had waiting goes out before it is gone.
        this.order.end(item.roomId);
        this.applyEffect(item);
        return;
      default:
        this.applyEffect(item);
    }
  }

  private applyEffect(effect: RoomEffect): void {
    const { io } = this;
    switch (effect.kind) {
      case 'subscribe':
        io.in(effect.userIds.map(userChannel)).socketsJoin(roomChannel(effect.roomId));
        break;
      case 'unsubscribe':
        io.in(effect.userIds.map(userChannel)).socketsLeave(roomChannel(effect.roomId));
        break;
      case 'room-deleted':
        io.to(roomChannel(effect.roomId)).emit('room:deleted', {
          roomId: effect.roomId,
          reason: effect.reason,
        });
        io.in(roomChannel(effect.roomId)).socketsLeave(roomChannel(effect.roomId));
        break;
      case 'room-gone':
        io.to(userChannel(effect.userId)).emit('room:deleted', {
          roomId: effect.roomId,
          reason: effect.reason,
        });
        break;
      case 'notify':
        io.to(userChannel(effect.userId)).emit(effect.event, { room: effect.room });
        break;
      case 'report-handled':
        io.to(userChannel(effect.userId)).emit('report:handled', effect.event);
        break;
    }
  }
}

/**
 * Groups a committed batch's effects into room steps: subscriptions of a room just before its
 * log event join that step, an unsubscribe or "gone" of the same room right after it too.
 * Everything else stays where it was, to be applied at once.
 */
export function toSteps(deliveries: readonly Delivery[]): (RoomStep | Immediate)[] {
  const items: (RoomStep | Immediate)[] = [];
  let waiting: RoomEffect[] = [];
  const release = () => {
    items.push(...waiting);
    waiting = [];
  };
  for (const delivery of deliveries) {
    if (delivery.kind === 'log') {
      const { event } = delivery;
      const before = waiting.filter((e) => e.kind === 'subscribe' && e.roomId === event.roomId);
      items.push(...waiting.filter((e) => !before.includes(e)));
      waiting = [];
      items.push({ kind: 'step', roomId: event.roomId, seq: event.seq, before, event, after: [] });
      continue;
    }
    if (delivery.kind === 'subscribe') {
      waiting.push(delivery);
      continue;
    }
    release();
    const last = items.at(-1);
    if (
      (delivery.kind === 'unsubscribe' || delivery.kind === 'room-gone') &&
      last?.kind === 'step' &&
      last.roomId === delivery.roomId
    ) {
      last.after.push(delivery);
      continue;
    }
    items.push(delivery);
  }
  release();
  return items;
}
