import { describe, expect, it } from 'vitest';
import { LIMITS, type LogEvent, type Message } from '../../src/shared/protocol.js';
import { type HeldAttachment, isUploadExpired } from '../../src/web/api/uploads.js';
import { expireHeld, heldDrafts, nextExpiry } from '../../src/web/components/composer/useUploads.js';
import { searchRooms } from '../../src/web/lib/rooms.js';
import { Drafts } from '../../src/web/state/drafts.js';
import {
  applyLogEvent,
  countsAsUnread,
  mergeHistory,
  newRoomView,
  unreadChange,
  upsertMessage,
} from '../../src/web/state/log.js';
import { Outbox } from '../../src/web/state/outbox.js';
import { MemoryStorage } from '../helpers/storage.js';
import { message, room } from '../helpers/web-fixtures.js';

const created = (seq: number, over: Partial<Message> = {}): LogEvent => ({
  type: 'message:new',
  roomId: 'r',
  seq,
  at: seq,
  message: message(seq, over),
});

describe('applying room-log events', () => {
  it('applies the next seq, ignores duplicates and reports gaps without applying', () => {
    let view = newRoomView(room());
    const first = applyLogEvent(view, created(11));
    expect(first.outcome).toBe('applied');
    view = first.view;
    expect(view.cursor).toBe(11);
    expect(applyLogEvent(view, created(11)).outcome).toBe('duplicate');
    expect(applyLogEvent(view, created(5)).outcome).toBe('duplicate');
    const gap = applyLogEvent(view, created(13));
    expect(gap.outcome).toBe('gap');
    expect(gap.view).toBe(view);
    expect(view.messages.map((m) => m.id)).toEqual(['m11']);
  });

  it('applies a replayed stream exactly once whatever duplicates it contains', () => {
    const stream = [12, 11, 11, 12, 13, 13, 14].map((seq) => created(seq));
    let view = newRoomView(room());
    const outcomes = [];
    for (const event of stream) {
      const result = applyLogEvent(view, event);
      view = result.view;
      outcomes.push(result.outcome);
    }
    expect(outcomes).toEqual(['gap', 'applied', 'duplicate', 'applied', 'applied', 'duplicate', 'applied']);
    expect(view.messages.map((m) => m.seq)).toEqual([11, 12, 13, 14]);
  });

  it('edits, reactions, deletions and membership changes update the view', () => {
    let { view } = applyLogEvent(newRoomView(room()), created(11));
    view = applyLogEvent(view, {
      type: 'message:updated',
      roomId: 'r',
      seq: 12,
      at: 0,
      message: message(11, { text: 'edited', editedAt: 5 }),
    }).view;
    expect(view.messages[0]).toMatchObject({ text: 'edited', editedAt: 5 });
    view = applyLogEvent(view, {
      type: 'reaction:updated',
      roomId: 'r',
      seq: 13,
      at: 0,
      messageId: 'm11',
      reactions: [{ emoji: '👍', userIds: ['bob'] }],
    }).view;
    expect(view.messages[0]!.reactions).toHaveLength(1);
    const joined = message(14, { id: 'sys14', kind: 'system', system: 'joined', text: '' });
    view = applyLogEvent(view, {
      type: 'room:member-joined',
      roomId: 'r',
      seq: 14,
      at: 0,
      user: joined.author!,
      message: joined,
    }).view;
    expect(view.room.memberCount).toBe(3);
    view = applyLogEvent(view, {
      type: 'message:deleted',
      roomId: 'r',
      seq: 15,
      at: 0,
      messageId: 'm11',
    }).view;
    expect(view.messages.map((m) => m.id)).toEqual(['sys14']);
    // A replayed "new" of a message deleted since must not bring it back.
    const replayed = applyLogEvent({ ...view, cursor: 10 }, created(11, { deletedAt: 9, text: '' })).view;
    expect(replayed.messages.map((m) => m.id)).toEqual(['sys14']);
    expect(view.room.lastSeq).toBe(15);
  });

  it('keeps messages unique and ordered whichever way they arrive', () => {
    let messages = upsertMessage([], message(3));
    messages = upsertMessage(messages, message(1));
    messages = upsertMessage(messages, message(2));
    messages = upsertMessage(messages, message(2, { text: 'newer' }));
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'text 1'],
      [2, 'newer'],
      [3, 'text 3'],
    ]);
    const view = mergeHistory(
      newRoomView(room()),
      [message(9), message(8, { deletedAt: 1 }), message(7)],
      false,
    );
    expect(view.messages.map((m) => m.seq)).toEqual([7, 9]);
    expect(view).toMatchObject({ historyLoaded: true, hasOlder: false });
  });

  it("counts other people's messages as unread, not your own or system lines", () => {
    expect(countsAsUnread(message(1), 'bob')).toBe(true);
    expect(countsAsUnread(message(1), 'alice')).toBe(false);
    expect(countsAsUnread(message(1, { kind: 'system' }), 'bob')).toBe(false);
  });

  it('rebuilds the previews of replies when the quoted message is edited or deleted', () => {
    const long = 'x'.repeat(200);
    const reply = { id: 'm11', author: message(11).author, text: 'first', deleted: false };
    let { view } = applyLogEvent(newRoomView(room()), created(11));
    view = applyLogEvent(view, created(12, { replyTo: 'm11', reply })).view;
    const untouched = view.messages[1];
    view = applyLogEvent(view, {
      type: 'message:updated',
      roomId: 'r',
      seq: 13,
      at: 0,
      message: message(11, { text: long, editedAt: 5 }),
    }).view;
    // The same excerpt the server builds (shared/format.ts): 140 characters and an ellipsis.
    expect(view.messages[1]!.reply).toEqual({ ...reply, text: `${'x'.repeat(140)}…` });
    expect(untouched!.reply!.text).toBe('first');
    view = applyLogEvent(view, {
      type: 'message:deleted',
      roomId: 'r',
      seq: 14,
      at: 0,
      messageId: 'm11',
    }).view;
    expect(view.messages.map((m) => m.id)).toEqual(['m12']);
    expect(view.messages[0]!.reply).toEqual({ ...reply, text: '', deleted: true });
  });

  it('counts a new message unread once, and takes a deleted unread one back', () => {
    const view = newRoomView(room({ lastSeq: 10, lastReadSeq: 8, unread: 2 }));
    // Seq 11 arrives after the snapshot: it counts; seq 9 was in the server's count already.
    expect(unreadChange(view, created(11), 'bob')).toBe(1);
    expect(unreadChange(view, created(9), 'bob')).toBe(0);
    expect(unreadChange(view, created(11), 'alice')).toBe(0);
    const withMessages = mergeHistory(view, [message(7), message(9), message(10, { author: null })], false);
    const deleted = (id: string): LogEvent => ({
      type: 'message:deleted',
      roomId: 'r',
      seq: 11,
      at: 0,
      messageId: id,
    });
    expect(unreadChange(withMessages, deleted('m9'), 'bob')).toBe(-1);
    // Already read, or never loaded: nothing to take back.
    expect(unreadChange(withMessages, deleted('m7'), 'bob')).toBe(0);
    expect(unreadChange(withMessages, deleted('m99'), 'bob')).toBe(0);
    // Your own message never counted.
    expect(unreadChange(withMessages, deleted('m9'), 'alice')).toBe(0);
    // A deletion the server's count was taken after (a sync replaying it after rooms:list).
    const replayed: LogEvent = { type: 'message:deleted', roomId: 'r', seq: 10, at: 0, messageId: 'm9' };
    expect(unreadChange(withMessages, replayed, 'bob')).toBe(0);
    // A replayed entry rebuilt from a message deleted since counts as its deletion.
    const rebuilt: LogEvent = {
      type: 'message:updated',
      roomId: 'r',
      seq: 11,
      at: 0,
      message: message(9, { deletedAt: 20, text: '' }),
    };
    expect(unreadChange(withMessages, rebuilt, 'bob')).toBe(-1);
    expect(unreadChange(withMessages, created(11, { deletedAt: 20 }), 'bob')).toBe(0);
  });
});

describe('outbox', () => {
  it('persists across instances (a reload) and hands items out oldest first', () => {
    const storage = new MemoryStorage();
    const outbox = new Outbox(storage, 'k');
    outbox.add({ clientMsgId: 'a', roomId: 'r', text: 'one', createdAt: 1 });
    outbox.add({ clientMsgId: 'b', roomId: 'r', text: 'two', createdAt: 2 });
    outbox.mark('a', 'sending');

    const reloaded = new Outbox(storage, 'k');
    expect(reloaded.list().map((i) => [i.clientMsgId, i.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    expect(reloaded.next()?.clientMsgId).toBe('a');
    reloaded.mark('a', 'failed', 'too long');
    expect(reloaded.next()?.clientMsgId).toBe('b');
    reloaded.remove('b');
    expect(new Outbox(storage, 'k').list()).toEqual([
      expect.objectContaining({ clientMsgId: 'a', status: 'failed', error: 'too long' }),
    ]);
  });

  it('survives corrupt storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', '{not json');
    expect(new Outbox(storage, 'k').list()).toEqual([]);
    storage.setItem(
      'k',
      JSON.stringify([
        { nope: true },
        { clientMsgId: 'x', roomId: 'r', text: 't', createdAt: 1, status: 'sending' },
      ]),
    );
    expect(new Outbox(storage, 'k').list()).toEqual([
      expect.objectContaining({ clientMsgId: 'x', status: 'pending' }),
    ]);
  });
});

describe('composer drafts', () => {
  const file: HeldAttachment = {
    id: 'u1',
    kind: 'file',
    mime: 'text/plain',
    name: 'notes.txt',
    size: 6,
    width: null,
    height: null,
    thumb: null,
    url: '/files/u1/notes.txt',
    thumbUrl: null,
    uploadedAt: 1_000,
  };

  it('keeps each room its own draft across instances (a reload), and forgets an emptied one', () => {
    const storage = new MemoryStorage();
    const drafts = new Drafts(storage, 'd');
    const now = Date.now();
    drafts.set('r1', { text: 'half a thought', replyTo: message(3) }, now);
    drafts.set('r2', { text: '', attachments: [file] }, now);

    const reloaded = new Drafts(storage, 'd');
    expect(reloaded.get('r1')).toEqual({ text: 'half a thought', replyTo: message(3), savedAt: now });
    expect(reloaded.get('r2')?.attachments).toEqual([file]);
    expect(reloaded.get('r3')).toBeNull();

    reloaded.set('r1', { text: '  ' });
    expect(new Drafts(storage, 'd').get('r1')).toBeNull();
    expect(new Drafts(storage, 'd').get('r2')).not.toBeNull();
  });

  it('drops drafts untouched for a month, and survives corrupt storage', () => {
    const storage = new MemoryStorage();
    const drafts = new Drafts(storage, 'd');
    const day = 24 * 60 * 60_000;
    drafts.set('old', { text: 'left behind' }, 0);
    drafts.set('new', { text: 'recent' }, 29 * day);
    expect(drafts.get('old', 29 * day)).not.toBeNull();
    drafts.set('other', { text: 'today' }, 31 * day);
    expect(drafts.get('old', 31 * day)).toBeNull();
    expect(Object.keys(JSON.parse(storage.getItem('d')!))).toEqual(['new', 'other']);

    storage.setItem('d', '[1,2]');
    expect(drafts.get('new', 31 * day)).toBeNull();
    storage.setItem('d', '{"r": {"nope": true}, "s": null}');
    expect(drafts.get('r')).toBeNull();
    drafts.set('r', { text: 'fresh start' });
    expect(drafts.get('r')?.text).toBe('fresh start');
  });

  it('saves an unchanged draft once, so its age says when it was last touched', () => {
    const storage = new MemoryStorage();
    const drafts = new Drafts(storage, 'd');
    drafts.set('r', { text: 'same' }, 1_000);
    drafts.set('r', { text: 'same' }, 2_000);
    expect(drafts.get('r', 2_000)?.savedAt).toBe(1_000);
    drafts.set('r', { text: 'changed' }, 3_000);
    expect(drafts.get('r', 3_000)?.savedAt).toBe(3_000);
  });

  it('tells an upload the server may have deleted from one still waiting to be sent', () => {
    const window = LIMITS.uploadAttachWindowMs;
    // A minute's margin before the server's own deadline, no more.
    expect(isUploadExpired(file, 0, 1_000 + window - 60_000)).toBe(false);
    expect(isUploadExpired(file, 0, 1_000 + window - 60_000 + 1)).toBe(true);
    // Held before the client noted upload times: the time it was held from stands in.
    const { uploadedAt: _, ...unstamped } = file;
    expect(isUploadExpired(unstamped, 100_000, 1_000 + window)).toBe(false);
    expect(isUploadExpired(unstamped, 100_000, 100_000 + window)).toBe(true);
  });

  it('puts held files back in the tray, stale ones as errors, and turns the rest stale on time', () => {
    const window = LIMITS.uploadAttachWindowMs;
    const { uploadedAt: _, ...unstamped } = file;
    const fresh = { ...file, id: 'u2', uploadedAt: 200_000, thumbUrl: '/thumbs/u2' };
    const tray = heldDrafts([file, unstamped, fresh], 100_000, 1_000 + window);
    expect(tray.map((d) => d.status)).toEqual(['error', 'done', 'done']);
    expect(tray[0]).toMatchObject({ error: expect.stringContaining('attach it again') });
    expect(tray[0]!.attachment).toBeUndefined();
    // A file held from before upload times were noted counts from when it was held.
    expect(tray[1]!.attachment?.uploadedAt).toBe(100_000);
    expect(tray[2]!.preview).toBe('/thumbs/u2');

    expect(nextExpiry(tray)).toBe(100_000 + window - 60_000);
    expect(expireHeld(tray, 100_000 + window - 60_000)).toBe(tray);
    const later = expireHeld(tray, 200_000 + window);
    expect(later.map((d) => d.status)).toEqual(['error', 'error', 'error']);
    // The server's thumbnail of a deleted upload is gone too.
    expect(later[2]!.preview).toBeUndefined();
    expect(nextExpiry(later)).toBeNull();
  });
});

describe('quick switcher', () => {
  const rooms = [
    room({ id: 'g', name: 'general', unread: 0 }),
    room({ id: 't', name: 'tech-talk', unread: 0 }),
    room({ id: 'x', name: 'fintech', unread: 3 }),
    room({
      id: 'd',
      kind: 'dm',
      name: null,
      peer: { id: 'p', username: 'Teodora', guest: false },
      unread: 1,
    }),
    room({ id: 'c', kind: 'code', name: null, code: 'ABC123', unread: 0 }),
  ];
  const ids = (query: string) => searchRooms(rooms, query).map((r) => r.id);

  it('puts names starting with the query first, then word starts, then the rest; unread first within each', () => {
    expect(ids('te')).toEqual(['d', 't', 'x']);
    expect(ids('#tech')).toEqual(['t', 'x']);
    expect(ids('talk')).toEqual(['t']);
    expect(ids('abc')).toEqual(['c']);
    expect(ids('nothing')).toEqual([]);
  });

  it('lists every room for an empty query, unread ones first', () => {
    expect(ids('')).toEqual(['x', 'd', 'g', 'c', 't']);
    expect(searchRooms(rooms, '', 2)).toHaveLength(2);
  });
});
