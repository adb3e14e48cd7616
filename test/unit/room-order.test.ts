import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RoomStep, toSteps } from '../../src/server/realtime/broadcaster.js';
import { RoomOrder } from '../../src/server/realtime/room-order.js';
import type { LogEvent } from '../../src/shared/protocol.js';

type Step = { roomId: string; seq: number };

function recorder(holdMs = 100) {
  const delivered: string[] = [];
  const late: string[] = [];
  const order = new RoomOrder<Step>({
    holdMs,
    deliver: (s) => delivered.push(`${s.roomId}@${s.seq}`),
    late: (s) => late.push(`${s.roomId}@${s.seq}`),
    maxRooms: 3,
  });
  return { order, delivered, late };
}

describe('RoomOrder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds a step that comes early until the one before it arrives', () => {
    const { order, delivered } = recorder();
    order.push({ roomId: 'r', seq: 1 });
    order.push({ roomId: 'r', seq: 3 });
    order.push({ roomId: 'r', seq: 4 });
    expect(delivered).toEqual(['r@1']);
    expect(order.waiting).toBe(2);
    order.push({ roomId: 'r', seq: 2 });
    expect(delivered).toEqual(['r@1', 'r@2', 'r@3', 'r@4']);
    expect(order.waiting).toBe(0);
  });

  it('keeps rooms apart: a gap in one room holds nothing of another', () => {
    const { order, delivered } = recorder();
    order.push({ roomId: 'a', seq: 5 });
    order.push({ roomId: 'a', seq: 7 });
    order.push({ roomId: 'b', seq: 1 });
    order.push({ roomId: 'b', seq: 2 });
    expect(delivered).toEqual(['a@5', 'b@1', 'b@2']);
  });

  it('gives up waiting after the hold, in seq order, and treats the straggler as late', () => {
    const { order, delivered, late } = recorder(100);
    order.push({ roomId: 'r', seq: 1 });
    order.push({ roomId: 'r', seq: 4 });
    order.push({ roomId: 'r', seq: 3 });
    vi.advanceTimersByTime(99);
    expect(delivered).toEqual(['r@1']);
    vi.advanceTimersByTime(1);
    expect(delivered).toEqual(['r@1', 'r@3', 'r@4']);
    order.push({ roomId: 'r', seq: 2 });
    order.push({ roomId: 'r', seq: 4 });
    expect(late).toEqual(['r@2', 'r@4']);
    order.push({ roomId: 'r', seq: 5 });
    expect(delivered.at(-1)).toBe('r@5');
  });

  it('sends what waits before a room ends, and forgets the least recently active rooms', () => {
    const { order, delivered } = recorder();
    order.push({ roomId: 'r', seq: 1 });
    order.push({ roomId: 'r', seq: 3 });
    order.end('r');
    expect(delivered).toEqual(['r@1', 'r@3']);
    order.push({ roomId: 'r', seq: 9 });
    expect(delivered.at(-1)).toBe('r@9');
    for (const roomId of ['x', 'y', 'z']) order.push({ roomId, seq: 1 });
    // 'r' was the least recently active of four rooms (max 3): forgotten, so anything goes next.
    order.push({ roomId: 'r', seq: 2 });
    expect(delivered.at(-1)).toBe('r@2');
  });
});

describe('room steps', () => {
  const event = (roomId: string, seq: number) =>
    ({ type: 'message:deleted', roomId, seq, at: 0, messageId: 'm' }) as LogEvent;

  it("puts a join's subscription before its event and a leave's after it", () => {
    const items = toSteps([
      { kind: 'subscribe', roomId: 'r', userIds: ['u'] },
      { kind: 'log', event: event('r', 7) },
      { kind: 'log', event: event('r', 8) },
      { kind: 'unsubscribe', roomId: 'r', userIds: ['v'] },
      { kind: 'room-gone', userId: 'v', roomId: 'r', reason: 'left' },
      { kind: 'subscribe', roomId: 'q', userIds: ['w'] },
      { kind: 'notify', userId: 'w', event: 'room:added', room: {} as never },
    ]);
    expect(items.map((i) => (i.kind === 'step' ? `step ${i.seq}` : i.kind))).toEqual([
      'step 7',
      'step 8',
      'subscribe',
      'notify',
    ]);
    const [joined, left] = items as [RoomStep, RoomStep];
    expect(joined.before.map((e) => e.kind)).toEqual(['subscribe']);
    expect(left.after.map((e) => e.kind)).toEqual(['unsubscribe', 'room-gone']);
  });
});
