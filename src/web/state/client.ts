import type { LogEvent, Message, MyRoom, Self } from '../../shared/protocol.js';
import { LOG_EVENT_TYPES } from '../../shared/protocol.js';
import type { HeldAttachment } from '../api/uploads.js';
import { Drafts } from './drafts.js';
import { History } from './history.js';
import { draftsKey, forgetUserData, outboxKey } from './local-data.js';
import { Members } from './members.js';
import { Membership } from './membership.js';
import { ModerationActions } from './moderation.js';
import { type KeyValueStorage, Outbox } from './outbox.js';
import { Reads } from './reads.js';
import { Sends } from './sends.js';
import { type ChatSocket, createSocket, type Refused, Server } from './server.js';
import { type ChatState, ChatStore } from './store.js';
import { Sync } from './sync.js';
import { TypingNotices } from './typing.js';

export { RequestError } from './server.js';
export type { ChatState, Connection } from './store.js';

export interface ChatClientOptions {
  me: Self;
  /** Server origin; defaults to the page's. */
  baseUrl?: string;
  /** Bearer token; the web app leaves it out and relies on the HttpOnly session cookie. */
  token?: string;
  storage: KeyValueStorage;
  onUnauthorized(): void;
  /** Called for a new message from someone else while the user is not looking at it. */
  onIncoming?(message: Message, room: MyRoom): void;
  isVisible?(): boolean;
  /**
   * The message list reports what the reader saw (`seen`), so a room opened with unread
   * messages is read only as far as that; without it, opening a room reads it all.
   */
  listReportsReads?: boolean;
}

/**
 * The client side of the protocol: one socket, the state the UI renders, and the rules that
 * make delivery exactly-once and in order (see docs/protocol.md §8). React components read the
 * state through `useChatSelector` and call the action methods; nothing else talks to the
 * server. The work is done by one part per concern — sync, history, reads, sends, members,
 * typing, membership — wired together here; this class only routes to them.
 */
/** What a moderator did about a report, as its reporter is told. */
const RESOLUTIONS: Record<string, string> = {
  deleted: 'it was deleted',
  muted: 'its author was muted',
  banned: 'its author was banned from the room',
};

export class ChatClient {
  readonly socket: ChatSocket;
  /** What each room's composer holds, kept across room switches and reloads. */
  readonly drafts: Drafts;
  /** Reports and the moderators' queue. */
  readonly moderation: ModerationActions;
  private readonly store: ChatStore;
  private readonly sync: Sync;
  private readonly history: History;
  private readonly reads: Reads;
  private readonly sends: Sends;
  private readonly members: Members;
  private readonly typing: TypingNotices;
  private readonly membership: Membership;
  private readonly outbox: Outbox;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ChatClientOptions) {
    const outboxName = outboxKey(options.me.id);
    const outbox = new Outbox(options.storage, outboxName);
    this.drafts = new Drafts(options.storage, draftsKey(options.me.id));
    this.store = new ChatStore(options.me, outbox.list());
    this.socket = createSocket(options);
    const server = new Server(this.socket, options, this.store);
    this.outbox = outbox;
    this.sends = new Sends(this.store, server, outbox, outboxName);
    this.members = new Members(this.store, server);
    this.moderation = new ModerationActions(this.store, server);
    this.typing = new TypingNotices(this.store);
    this.history = new History(this.store, server, () => this.sync.resync());
    this.reads = new Reads(
      this.store,
      server,
      {
        loadNewest: (roomId) => this.history.loadNewest(roomId),
        loadAroundSeq: (roomId, seq) => this.history.loadAroundSeq(roomId, seq),
        loadMembers: (roomId) => this.members.load(roomId),
      },
      options.listReportsReads,
    );
    this.sync = new Sync(this.store, server, {
      scheduleRead: (roomId, seq) => this.reads.arrived(roomId, seq),
      clearTyping: (roomId, userId) => this.typing.clear(roomId, userId),
      ...(options.onIncoming ? { onIncoming: options.onIncoming } : {}),
      ...(options.isVisible ? { isVisible: options.isVisible } : {}),
      caughtUp: () => {
        this.sends.resume();
        const active = this.store.getState().activeRoomId;
        if (active) void this.members.load(active);
      },
    });
    this.membership = new Membership(this.store, server, {
      addRoom: (room) => this.sync.addRoom(room),
      dropRoom: (roomId) => this.sync.dropRoom({ roomId, reason: 'left' }, true),
      selectRoom: (roomId) => this.reads.selectRoom(roomId),
      loadMembers: (roomId) => this.members.load(roomId),
    });
    this.listen();
  }

  // --- store ------------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  getState = (): ChatState => this.store.getState();

  notify(text: string, tone: 'info' | 'error' = 'info'): void {
    this.store.notify(text, tone);
  }

  // --- connection -------------------------------------------------------------------------

  start(): void {
    this.socket.connect();
  }

  /**
   * Signing out: stops, and removes this user's drafts and outbox from the browser's storage
   * for good — closed first, so that a send failing on the disconnect or a composer saving as
   * it unmounts cannot write them back for the next person at this computer.
   */
  forgetLocalData(): void {
    this.stop();
    this.outbox.close();
    this.drafts.close();
    forgetUserData(this.options.storage, this.options.me.id);
  }

  stop(): void {
    this.sends.stop();
    clearTimeout(this.reconnectTimer);
    this.reads.stop();
    this.socket.disconnect();
  }

  private listen(): void {
    const { socket, store } = this;
    socket.on('connect', () => {
      store.update(() => ({ connection: 'online' }));
      void this.sync.catchUp();
    });
    socket.on('disconnect', (reason) => {
      store.update(() => ({ connection: 'reconnecting', typing: {} }));
      // Closed by the server (the session was revoked — signed out or a password changed
      // elsewhere — or the node is going away): Socket.IO does not come back by itself. The
      // next handshake tells which: `unauthorized` shows the sign-in screen, else it goes on.
      if (reason === 'io server disconnect') {
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => socket.connect(), 500 + Math.random() * 500);
      }
    });
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        socket.disconnect();
        this.options.onUnauthorized();
        return;
      }
      store.update(() => ({ connection: 'reconnecting' }));
      // Refused by the server at the handshake (throttled, or its database away): Socket.IO
      // does not retry those by itself. Try again when the server says, or in a few seconds.
      if (!socket.active) {
        const hint = (error as Error & { data?: { retryAfterMs?: unknown } }).data?.retryAfterMs;
        const delay = typeof hint === 'number' ? hint : 2_000;
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(
          () => socket.connect(),
          Math.min(30_000, Math.max(1_000, delay)) + Math.random() * 1_000,
        );
      }
    });
    for (const type of LOG_EVENT_TYPES) {
      socket.on(type, ((event: LogEvent) => this.sync.receive(event)) as never);
    }
    socket.on('room:added', ({ room }) => this.sync.addRoom(room));
    socket.on('match:found', ({ room }) => this.membership.matched(room));
    socket.on('room:deleted', (event) => this.sync.dropRoom(event));
    socket.on('report:handled', ({ resolution }) =>
      this.store.notify(
        resolution === 'dismissed'
          ? 'A moderator looked at the message you reported and left it.'
          : `A moderator handled the message you reported: ${RESOLUTIONS[resolution] ?? resolution}.`,
      ),
    );
    // A promotion, a demotion or a settings change: what the screens offer follows.
    socket.on('me:updated', ({ user }) => this.store.update(() => ({ me: user })));
    socket.on('presence', (event) => this.members.setPresence(event));
    socket.on('typing', (event) => this.typing.receive(event));
  }

  // --- sync and history -------------------------------------------------------------------

  refreshRooms(): Promise<void> {
    return this.sync.refreshRooms();
  }

  /** Replays the log after every room's cursor, page by page, until caught up. */
  resync(): Promise<void> {
    return this.sync.resync();
  }

  loadHistory(roomId: string): Promise<void> {
    return this.history.loadNewest(roomId);
  }

  loadOlder(roomId: string): Promise<void> {
    return this.history.loadOlder(roomId);
  }

  /** The next newer page, for a window opened around an old message (the list's end reached). */
  loadNewer(roomId: string): Promise<void> {
    return this.history.loadNewer(roomId);
  }

  loadMembers(roomId: string): Promise<void> {
    return this.members.load(roomId);
  }

  /**
   * Opens a room at one message, for a link: loads the history around it unless it is loaded,
   * then asks the list to scroll to it and highlight it.
   */
  async openMessage(roomId: string, messageId: string): Promise<void> {
    this.reads.selectRoom(roomId);
    let shown: string | undefined = messageId;
    if (!(await this.history.loadAround(roomId, messageId))) {
      this.store.notify('That message is no longer there: it may have been deleted.');
      // A deleted message's page is still around where it was: show the middle of it.
      const messages = this.store.getState().rooms[roomId]?.messages ?? [];
      shown = messages[Math.floor(messages.length / 2)]?.id;
      if (!shown) return;
    }
    this.store.update((s) => ({ target: { id: (s.target?.id ?? 0) + 1, roomId, messageId: shown } }));
  }

  // --- reading ----------------------------------------------------------------------------

  selectRoom(roomId: string | null): void {
    this.reads.selectRoom(roomId);
  }

  /** Marks the active room read up to its cursor, at most a few times a second. */
  markVisibleRead(): void {
    this.reads.markVisibleRead();
  }

  /** The list showed the reader the open room's messages up to `seq`; they last scrolled at `readerMovedAt`. */
  seen(roomId: string, seq: number, readerMovedAt = 0): void {
    this.reads.seen(roomId, seq, readerMovedAt);
  }

  /** "Mark as unread" from a message: the read position goes back to just before it. */
  markUnread(roomId: string, seq: number): Promise<void> {
    return this.reads.markUnread(roomId, seq);
  }

  // --- sending ----------------------------------------------------------------------------

  send(roomId: string, text: string, replyTo?: string, attachments: HeldAttachment[] = []): void {
    this.sends.send(roomId, text, replyTo, attachments);
    // Reading an old stretch and writing: show the newest, where the message goes.
    if (this.store.getState().rooms[roomId]?.hasNewer) void this.history.loadNewest(roomId);
  }

  retry(clientMsgId: string): void {
    this.sends.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.sends.discard(clientMsgId);
  }

  flushOutbox(): Promise<void> {
    return this.sends.flushOutbox();
  }

  edit(messageId: string, text: string): Promise<boolean> {
    return this.sends.edit(messageId, text);
  }

  remove(messageId: string): Promise<void> {
    return this.sends.remove(messageId);
  }

  react(messageId: string, emoji: string): Promise<void> {
    return this.sends.react(messageId, emoji);
  }

  setTyping(roomId: string, typing: boolean): void {
    this.sends.setTyping(roomId, typing);
  }

  // --- rooms ------------------------------------------------------------------------------

  joinChannel(roomId: string) {
    return this.membership.joinChannel(roomId);
  }

  /** Refusals go to `onRefused` when given (a form's field), else to a toast; so below. */
  createRoom(
    kind: 'channel' | 'group',
    name: string,
    memberIds: string[] = [],
    maxMembers?: number,
    onRefused?: Refused,
  ) {
    return this.membership.createRoom(kind, name, memberIds, maxMembers, onRefused);
  }

  openDm(userId: string) {
    return this.membership.openDm(userId);
  }

  createCodeRoom(name?: string, maxMembers?: number, onRefused?: Refused) {
    return this.membership.createCodeRoom(name, maxMembers, onRefused);
  }

  joinCode(code: string, onRefused?: Refused) {
    return this.membership.joinCode(code, onRefused);
  }

  leave(roomId: string): Promise<void> {
    return this.membership.leave(roomId);
  }

  addMember(roomId: string, userId: string): Promise<void> {
    return this.membership.addMember(roomId, userId);
  }

  removeMember(roomId: string, userId: string): Promise<void> {
    return this.membership.removeMember(roomId, userId);
  }

  findMatch(): Promise<void> {
    return this.membership.findMatch();
  }

  cancelMatch(): Promise<void> {
    return this.membership.cancelMatch();
  }

  searchUsers(query: string) {
    return this.membership.searchUsers(query);
  }

  listChannels() {
    return this.membership.listChannels();
  }
}
