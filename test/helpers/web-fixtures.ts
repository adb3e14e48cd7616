import type { Message, MyRoom } from '../../src/shared/protocol.js';

/** A channel as the web client holds it: room `r`, read up to its last message (seq 10). */
export const room = (over: Partial<MyRoom> = {}): MyRoom => ({
  id: 'r',
  kind: 'channel',
  name: 'general',
  ownerId: null,
  maxMembers: null,
  memberCount: 2,
  lastSeq: 10,
  createdAt: 0,
  code: null,
  peer: null,
  topic: null,
  description: null,
  readOnly: false,
  archived: false,
  myRole: 'member',
  mutedUntil: null,
  lastReadSeq: 10,
  unread: 0,
  ...over,
});

/** A message from alice in room `r`, created at `seq` seconds. */
export const message = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  roomId: 'r',
  seq,
  kind: 'user',
  author: { id: 'alice', username: 'alice', guest: false },
  text: `text ${seq}`,
  system: null,
  clientMsgId: null,
  createdAt: seq * 1000,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reply: null,
  reactions: [],
  attachments: [],
  ...over,
});
