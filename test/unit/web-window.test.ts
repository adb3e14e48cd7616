import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/shared/protocol.js';
import { applyLogEvent, mergeHistory, newRoomView, replaceWindow } from '../../src/web/state/log.js';
import { message, room } from '../helpers/web-fixtures.js';

/** A window around an old message (a link): it has no hole, and the log cursor is unaffected. */
describe('a history window short of the newest message', () => {
  const fresh = () => mergeHistory(newRoomView(room()), [message(9), message(10)], true);
  const newMessage = (seq: number): LogEvent => ({
    type: 'message:new',
    roomId: 'r',
    seq,
    at: seq,
    message: message(seq),
  });

  it('replaces the loaded messages with the page around the target, keeping the cursor', () => {
    const view = replaceWindow(fresh(), [message(3), message(2), message(4)], {
      hasOlder: true,
      hasNewer: true,
    });
    expect(view.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(view).toMatchObject({ hasOlder: true, hasNewer: true, cursor: 10, historyLoaded: true });
  });

  it('advances the cursor for new messages but leaves them out until the window reaches them', () => {
    const window = replaceWindow(fresh(), [message(3)], { hasOlder: true, hasNewer: true });
    const { view, outcome } = applyLogEvent(window, newMessage(11));
    expect(outcome).toBe('applied');
    expect(view.cursor).toBe(11);
    expect(view.messages.map((m) => m.seq)).toEqual([3]);
    // Updates to what the window holds still apply.
    const edited = applyLogEvent(view, {
      type: 'message:updated',
      roomId: 'r',
      seq: 12,
      at: 12,
      message: message(3, { text: 'edited' }),
    }).view;
    expect(edited.messages[0]?.text).toBe('edited');
    // Joined to the live end, new messages are added again.
    const joined = applyLogEvent({ ...edited, hasNewer: false }, newMessage(13)).view;
    expect(joined.messages.map((m) => m.seq)).toEqual([3, 13]);
  });
});
