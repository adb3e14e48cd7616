import { describe, expect, it } from 'vitest';
import type { RoomKind } from '../../src/shared/protocol.js';
import { leaveQuestion } from '../../src/web/lib/leave-question.js';
import { room } from '../helpers/web-fixtures.js';

/** What the Leave button asks, per kind of room: each loses something different. */
describe('leaveQuestion', () => {
  const peer = { id: 'b', username: 'bob', guest: false };
  const cases: [RoomKind, Partial<Parameters<typeof room>[0]>, string, RegExp][] = [
    ['channel', { name: 'general' }, 'Leave channel', /join it again .* Browse channels/],
    ['group', { name: 'plans' }, 'Leave group', /cannot be rejoined alone.*adds you again/],
    ['code', { name: 'Study', code: 'ABC234' }, 'Leave room', /code \(ABC234\).*last person leaves.*gone/],
    ['match', { name: null, peer }, 'End chat', /chat with bob ends for both of you/],
  ];
  it.each(cases)('a %s says what leaving costs', (kind, over, confirmLabel, body) => {
    const question = leaveQuestion(room({ kind, ...over }))!;
    expect(question.confirmLabel).toBe(confirmLabel);
    expect(String(question.body)).toMatch(body);
  });

  it('a channel is named as the sidebar names it, and a DM has nothing to leave', () => {
    expect(leaveQuestion(room({ kind: 'channel', name: 'general' }))!.title).toBe('Leave #general?');
    expect(leaveQuestion(room({ kind: 'dm', name: null, peer }))).toBeNull();
  });
});
