import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  HistoryPage,
  LogEvent,
  Member,
  Message,
  MyRoom,
  PresenceEvent,
  PublicUser,
  RequestEvent,
  RequestPayload,
  ResponsePayloads,
  RoomDeletedEvent,
  ServerToClientEvents,
  TypingEvent,
} from '../../shared/protocol.js';
import { LOG_EVENT_TYPES } from '../../shared/protocol.js';
import type { HeldAttachment } from '../api/uploads.js';
import { roomTitle } from '../lib/rooms.js';
import { Drafts } from './drafts.js';
import {
  applyLogEvent,
  countsAsUnread,
  mergeHistory,
  mergeRoom,
  newRoomView,
  oldestSeq,
  type RoomView,
  upsertMessage,
} from './log.js';
import { type KeyValueStorage, Outbox, type OutboxItem } from './outbox.js';

export type Connection = 'connecting' | 'online' | 'reconnecting';

export interface ChatState {
  me: PublicUser;
  connection: Connection;
  rooms: Record<string, RoomView>;
  activeRoomId: string | null;
  presence: Record<string, { online: boolean; lastSeenAt: number | null }>;
  /** Per room, who is typing and until when (the notice expires if no "stopped" arrives). */
  typing: Record<string, Record<string, number>>;
  outbox: readonly OutboxItem[];
  members: Record<string, Member[]>;
  match: 'idle' | 'waiting';
  /** Read position of the active room when it was opened: the unread divider goes after it. */
  dividerSeq: number | null;
  notice: { id: number; text: string; tone: 'info' | 'error' } | null;
}

export interface ChatClientOptions {
  me: PublicUser;
  /** Server origin; defaults to the page's. */
  baseUrl?: string;
  /** Bearer token; the web app leaves it out and relies on the HttpOnly session cookie. */
  token?: string;
  storage: KeyValueStorage;
  onUnauthorized(): void;
  /** Called for a new message from someone else while the user is not looking at it. */
  onIncoming?(message: Message, room: MyRoom): void;
  isVisible?(): boolean;
}

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 10_000;
const TYPING_TTL_MS = 6_000;
const RETRY_DELAY_MS = 2_000;

/**
 * The client side of the protocol: one socket, the state the UI renders, and the rules that
 * make delivery exactly-once and in order (see docs/protocol.md §8). React components read
 * `getState()` through `useSyncExternalStore` and call the action methods; nothing else talks
 * to the server.
 */
export class ChatClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private readonly outbox: Outbox;
  /** What each room's composer holds, kept across room switches and reloads. */
  readonly drafts: Drafts;
  private syncRun: Promise<void> | null = null;
  private syncQueued = false;
  private flushing = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reads waiting to be sent, per room: how far the user has seen, and the timer. */
  private readonly pendingReads = new Map<string, { seq: number; timer: ReturnType<typeof setTimeout> }>();
  private noticeId = 0;

  constructor(private readonly options: ChatClientOptions) {
    this.outbox = new Outbox(options.storage, `parley:outbox:${options.me.id}`);
    this.drafts = new Drafts(options.storage, `parley:drafts:${options.me.id}`);
    this.state = {
      me: options.me,
      connection: 'connecting',
      rooms: {},
      activeRoomId: null,
      presence: {},
      typing: {},
      outbox: this.outbox.list(),
      members: {},
      match: 'idle',
      dividerSeq: null,
      notice: null,
    };
    // Another tab of this user changed the shared outbox: show it, and help send it.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key !== `parley:outbox:${options.me.id}`) return;
        this.outbox.refresh();
        this.syncOutbox();
        void this.flushOutbox();
      });
    }
    this.socket = io(options.baseUrl ?? '', {
      autoConnect: false,
      auth: options.token ? { token: options.token } : {},
      withCredentials: true,
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
    });
    this.listen();
  }

  // --- store ------------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ChatState => this.state;

  private update(change: (state: ChatState) => Partial<ChatState>): void {
    this.state = { ...this.state, ...change(this.state) };
    for (const listener of this.listeners) listener();
  }

  private setRoom(roomId: string, change: (view: RoomView) => RoomView): void {
    this.update((s) => {
      const view = s.rooms[roomId];
      return view ? { rooms: { ...s.rooms, [roomId]: change(view) } } : {};
    });
  }

  private syncOutbox(): void {
    this.update(() => ({ outbox: this.outbox.list() }));
  }

  notify(text: string, tone: 'info' | 'error' = 'info'): void {
    const id = ++this.noticeId;
    this.update(() => ({ notice: { id, text, tone } }));
    setTimeout(() => this.update((s) => (s.notice?.id === id ? { notice: null } : {})), 5_000);
  }

  // --- connection ---------------------------------------------------------------------------

  start(): void {
    this.socket.connect();
  }

  stop(): void {
    clearTimeout(this.flushTimer);
    clearTimeout(this.reconnectTimer);
    for (const { timer } of this.pendingReads.values()) clearTimeout(timer);
    this.socket.disconnect();
  }

  private listen(): void {
    const { socket } = this;
    socket.on('connect', () => {
      this.update(() => ({ connection: 'online' }));
      void this.catchUp();
    });
    socket.on('disconnect', () => {
      this.update(() => ({ connection: 'reconnecting', typing: {} }));
    });
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        this.socket.disconnect();
        this.options.onUnauthorized();
        return;
      }
      this.update(() => ({ connection: 'reconnecting' }));
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
      socket.on(type, ((event: LogEvent) => this.receive(event)) as never);
    }
    socket.on('room:added', ({ room }) => this.addRoom(room));
    socket.on('match:found', ({ room }) => {
      this.addRoom(room);
      this.update(() => ({ match: 'idle' }));
      this.selectRoom(room.id);
    });
    socket.on('room:deleted', (event) => this.dropRoom(event));
    socket.on('presence', (event) => this.setPresence(event));
    socket.on('typing', (event) => this.onTyping(event));
  }

  /** After every (re)connect: learn the room list, replay what was missed, send what waits. */
  private async catchUp(): Promise<void> {
    try {
      await this.refreshRooms();
      await this.resync();
      this.outbox.resetInFlight();
      this.syncOutbox();
      void this.flushOutbox();
      const active = this.state.activeRoomId;
      if (active) void this.loadMembers(active);
    } catch (error) {
      if (this.socket.connected) this.notify(`Could not catch up: ${(error as Error).message}`, 'error');
    }
  }

  private async request<E extends RequestEvent>(
    event: E,
    payload: RequestPayload<E>,
    timeoutMs = ACK_TIMEOUT_MS,
  ): Promise<ResponsePayloads[E]> {
    const emitter = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Ack<ResponsePayloads[E]>>;
    };
    const ack = await emitter.emitWithAck(event, payload ?? {});
    if (!ack.ok) throw new RequestError(ack.error.code, ack.error.message);
    return ack as ResponsePayloads[E];
  }

  /** Runs a request the user asked for; failures become a notice instead of an exception. */
  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.notify(
        error instanceof RequestError ? error.message : 'The server did not answer, try again',
        'error',
      );
      return undefined;
    }
  }

  async refreshRooms(): Promise<void> {
    const { rooms, presence } = await this.request('rooms:list', {});
    this.update((s) => {
      // Merge rather than replace: a room joined while this request was on its way is not in the
      // answer but is real. Rooms that are truly gone come back from sync as `gone`.
      const next: Record<string, RoomView> = { ...s.rooms };
      for (const room of rooms) {
        const known = s.rooms[room.id];
        // A room we already hold keeps its cursor and messages: sync brings them up to date.
        // Its unread count is the server's, which already covers the log up to room.lastSeq.
        next[room.id] = known
          ? {
              ...known,
              room: mergeRoom(known.room, { ...room, unread: s.activeRoomId === room.id ? 0 : room.unread }),
              unreadCountedTo: room.lastSeq,
            }
          : newRoomView(room);
      }
      const presenceMap = { ...s.presence };
      for (const p of presence) presenceMap[p.userId] = { online: p.online, lastSeenAt: p.lastSeenAt };
      return { rooms: next, presence: presenceMap };
    });
  }

  /** Replays the log after every room's cursor, page by page, until caught up. */
  resync(): Promise<void> {
    if (this.syncRun) {
      this.syncQueued = true;
      return this.syncRun;
    }
    this.syncRun = (async () => {
      try {
        do {
          this.syncQueued = false;
          let more = true;
          while (more) {
            const cursors = Object.fromEntries(
              Object.values(this.state.rooms).map((v) => [v.room.id, v.cursor]),
            );
            const page = await this.request('sync', { cursors }, 30_000);
            for (const event of page.events) this.receive(event, true);
            for (const roomId of page.gone) this.dropRoom({ roomId, reason: 'left' }, true);
            more = page.more;
          }
        } while (this.syncQueued);
      } finally {
        this.syncRun = null;
      }
    })();
    return this.syncRun;
  }

  private receive(event: LogEvent, fromSync = false): void {
    const view = this.state.rooms[event.roomId];
    if (!view) {
      // An event for a room we do not know yet (added while the list was loading).
      if (!fromSync) this.catchUpQuietly(() => this.refreshRooms().then(() => this.resync()));
      return;
    }
    const { view: next, outcome } = applyLogEvent(view, event);
    if (outcome === 'gap') {
      this.catchUpQuietly(() => this.resync());
      return;
    }
    if (outcome !== 'applied') return;
    const isActive = this.state.activeRoomId === event.roomId && (this.options.isVisible?.() ?? true);
    let room = next.room;
    if (event.type === 'message:new' && countsAsUnread(event.message, this.state.me.id)) {
      if (isActive) this.scheduleRead(event.roomId, event.seq);
      else if (event.seq > view.unreadCountedTo) {
        room = { ...room, unread: room.unread + 1 };
        this.options.onIncoming?.(event.message, room);
      }
    }
    if (event.type === 'message:new' && event.message.author)
      this.clearTyping(event.roomId, event.message.author.id);
    this.update((s) => ({
      rooms: { ...s.rooms, [event.roomId]: { ...next, room } },
      members: updateMembers(s, event),
    }));
  }

  private addRoom(room: MyRoom): void {
    this.update((s) => (s.rooms[room.id] ? {} : { rooms: { ...s.rooms, [room.id]: newRoomView(room) } }));
  }

  private dropRoom(event: RoomDeletedEvent, quiet = false): void {
    const view = this.state.rooms[event.roomId];
    if (!view) return;
    this.update((s) => {
      const { [event.roomId]: _gone, ...rooms } = s.rooms;
      return { rooms, activeRoomId: s.activeRoomId === event.roomId ? null : s.activeRoomId };
    });
    if (quiet) return;
    const name = roomTitle(view.room);
    if (event.reason === 'ended') this.notify(`The chat with ${name} has ended`);
    else if (event.reason === 'removed') this.notify(`You were removed from ${name}`);
    else if (event.reason === 'empty') this.notify(`${name} was closed`);
  }

  private setPresence(event: PresenceEvent): void {
    this.update((s) => {
      const members = Object.fromEntries(
        Object.entries(s.members).map(([roomId, list]) => [
          roomId,
          list.map((m) =>
            m.id === event.userId
              ? { ...m, online: event.online, lastSeenAt: event.lastSeenAt ?? m.lastSeenAt }
              : m,
          ),
        ]),
      );
      return {
        presence: { ...s.presence, [event.userId]: { online: event.online, lastSeenAt: event.lastSeenAt } },
        members,
      };
    });
  }

  private onTyping(event: TypingEvent): void {
    if (event.userId === this.state.me.id) return;
    if (!event.typing) {
      this.clearTyping(event.roomId, event.userId);
      return;
    }
    const until = Date.now() + TYPING_TTL_MS;
    this.update((s) => ({
      typing: { ...s.typing, [event.roomId]: { ...s.typing[event.roomId], [event.userId]: until } },
    }));
    setTimeout(() => {
      if (this.state.typing[event.roomId]?.[event.userId] === until)
        this.clearTyping(event.roomId, event.userId);
    }, TYPING_TTL_MS);
  }

  private clearTyping(roomId: string, userId: string): void {
    if (!this.state.typing[roomId]?.[userId]) return;
    this.update((s) => {
      const { [userId]: _stopped, ...rest } = s.typing[roomId] ?? {};
      return { typing: { ...s.typing, [roomId]: rest } };
    });
  }

  // --- reading ------------------------------------------------------------------------------

  selectRoom(roomId: string | null): void {
    if (roomId === this.state.activeRoomId) return;
    const view = roomId ? this.state.rooms[roomId] : undefined;
    this.update((s) => ({
      activeRoomId: roomId,
      dividerSeq: view && view.room.unread > 0 ? view.room.lastReadSeq : null,
      ...(view
        ? { rooms: { ...s.rooms, [view.room.id]: { ...view, room: { ...view.room, unread: 0 } } } }
        : {}),
    }));
    if (!view || !roomId) return;
    if (!view.historyLoaded) void this.loadHistory(roomId);
    void this.loadMembers(roomId);
    this.scheduleRead(roomId, view.cursor);
  }

  /** Marks the active room read up to its cursor, at most a few times a second. */
  markVisibleRead(): void {
    const view = this.state.activeRoomId ? this.state.rooms[this.state.activeRoomId] : undefined;
    if (view) this.scheduleRead(view.room.id, view.cursor);
  }

  /**
   * Marks the room read up to `seq` — what the user has seen — a moment later, batching a burst
   * into one request. The position is taken now, not when the timer fires: by then the user
   * may have left the room and more may have arrived, unseen.
   */
  private scheduleRead(roomId: string, seq: number): void {
    const pending = this.pendingReads.get(roomId);
    clearTimeout(pending?.timer);
    const upTo = Math.max(seq, pending?.seq ?? 0);
    const timer = setTimeout(() => {
      this.pendingReads.delete(roomId);
      const view = this.state.rooms[roomId];
      if (!view || !this.socket.connected || upTo <= view.room.lastReadSeq) return;
      this.request('room:read', { roomId, seq: upTo })
        .then(({ lastReadSeq }) =>
          // Only the open room is wholly read; one left meanwhile keeps what arrived since.
          this.setRoom(roomId, (v) => ({
            ...v,
            room: { ...v.room, lastReadSeq, unread: this.state.activeRoomId === roomId ? 0 : v.room.unread },
          })),
        )
        .catch(() => {});
    }, 300);
    this.pendingReads.set(roomId, { seq: upTo, timer });
  }

  private async fetchJson<T>(path: string): Promise<T> {
    const response = await fetch(`${this.options.baseUrl ?? ''}${path}`, {
      credentials: 'include',
      headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
    });
    if (response.status === 401) this.options.onUnauthorized();
    if (!response.ok) throw new RequestError(String(response.status), `request failed (${response.status})`);
    return (await response.json()) as T;
  }

  /** Background catch-up; a failure is retried by the next reconnect or gap, not thrown. */
  private catchUpQuietly(work: () => Promise<unknown>): void {
    work().catch(() => {});
  }

  async loadHistory(roomId: string): Promise<void> {
    const page = await this.attempt(() =>
      this.fetchJson<HistoryPage>(`/api/rooms/${roomId}/messages?limit=50`),
    );
    if (page) this.mergePage(roomId, page);
  }

  /**
   * A history page is a snapshot at `page.lastSeq`. Live events applied while it was loading
   * may be newer than it (an edit, a delete); if so, step the cursor back to the snapshot and
   * replay from there, so the page cannot undo them.
   */
  private mergePage(roomId: string, page: HistoryPage): void {
    let stale = false;
    this.setRoom(roomId, (v) => {
      const merged = mergeHistory(v, page.messages, page.nextBefore !== null);
      stale = v.cursor > page.lastSeq;
      return stale ? { ...merged, cursor: page.lastSeq } : merged;
    });
    if (stale) this.catchUpQuietly(() => this.resync());
  }

  async loadOlder(roomId: string): Promise<void> {
    const view = this.state.rooms[roomId];
    const before = view && oldestSeq(view);
    if (!view?.hasOlder || before === undefined) return;
    const page = await this.attempt(() =>
      this.fetchJson<HistoryPage>(`/api/rooms/${roomId}/messages?limit=50&before=${before}`),
    );
    if (page) this.mergePage(roomId, page);
  }

  async loadMembers(roomId: string): Promise<void> {
    try {
      const { members } = await this.request('room:members', { roomId });
      this.update((s) => {
        const presence = { ...s.presence };
        for (const m of members) presence[m.id] = { online: m.online, lastSeenAt: m.lastSeenAt };
        return { members: { ...s.members, [roomId]: members }, presence };
      });
    } catch {
      // Members are a nicety; the room works without them.
    }
  }

  // --- sending ------------------------------------------------------------------------------

  send(roomId: string, text: string, replyTo?: string, attachments: HeldAttachment[] = []): void {
    this.outbox.add({
      clientMsgId: crypto.randomUUID(),
      roomId,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      createdAt: Date.now(),
    });
    this.syncOutbox();
    void this.flushOutbox();
  }

  retry(clientMsgId: string): void {
    this.outbox.mark(clientMsgId, 'pending');
    this.syncOutbox();
    void this.flushOutbox();
  }

  discard(clientMsgId: string): void {
    this.outbox.remove(clientMsgId);
    this.syncOutbox();
  }

  /**
   * Sends waiting messages one at a time, oldest first. A timeout or a lost connection leaves
   * the item pending for the next attempt (same clientMsgId, so never stored twice); a refusal
   * marks it failed with the reason, for the user to retry or discard.
   */
  async flushOutbox(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.flushTimer);
    try {
      for (let item = this.outbox.next(); item && this.socket.connected; item = this.outbox.next()) {
        this.outbox.mark(item.clientMsgId, 'sending');
        this.syncOutbox();
        try {
          const { message } = await this.request('message:send', {
            roomId: item.roomId,
            clientMsgId: item.clientMsgId,
            text: item.text,
            ...(item.replyTo ? { replyTo: item.replyTo } : {}),
            ...(item.attachments?.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
          });
          this.outbox.remove(item.clientMsgId);
          // Shown at once; the broadcast that follows advances the cursor without a duplicate.
          this.setRoom(item.roomId, (v) => ({ ...v, messages: upsertMessage(v.messages, message) }));
          this.syncOutbox();
        } catch (error) {
          const retryable =
            !(error instanceof RequestError) ||
            ['rate_limited', 'unavailable', 'internal'].includes(error.code);
          if (retryable) {
            this.outbox.mark(item.clientMsgId, 'pending');
            this.syncOutbox();
            this.flushTimer = setTimeout(() => void this.flushOutbox(), RETRY_DELAY_MS);
            return;
          }
          this.outbox.mark(item.clientMsgId, 'failed', (error as Error).message);
          this.syncOutbox();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  async edit(messageId: string, text: string): Promise<boolean> {
    return Boolean(await this.attempt(() => this.request('message:edit', { messageId, text })));
  }

  async remove(messageId: string): Promise<void> {
    await this.attempt(() => this.request('message:delete', { messageId }));
  }

  async react(messageId: string, emoji: string): Promise<void> {
    await this.attempt(() => this.request('reaction:toggle', { messageId, emoji }));
  }

  setTyping(roomId: string, typing: boolean): void {
    if (this.socket.connected) void this.request('typing', { roomId, typing }).catch(() => {});
  }

  // --- rooms --------------------------------------------------------------------------------

  private async enter(work: () => Promise<{ room: MyRoom } | undefined>): Promise<MyRoom | undefined> {
    const result = await this.attempt(work);
    if (!result) return undefined;
    this.addRoom(result.room);
    this.selectRoom(result.room.id);
    return result.room;
  }

  joinChannel(roomId: string) {
    return this.enter(() => this.request('room:join', { roomId }));
  }

  createRoom(kind: 'channel' | 'group', name: string, memberIds: string[] = [], maxMembers?: number) {
    return this.enter(() =>
      this.request('room:create', {
        kind,
        name,
        ...(kind === 'group' ? { memberIds } : {}),
        ...(maxMembers ? { maxMembers } : {}),
      }),
    );
  }

  openDm(userId: string) {
    return this.enter(() => this.request('dm:open', { userId }));
  }

  async createCodeRoom(
    name?: string,
    maxMembers?: number,
  ): Promise<{ room: MyRoom; code: string } | undefined> {
    const result = await this.attempt(() =>
      this.request('code:create', { ...(name ? { name } : {}), ...(maxMembers ? { maxMembers } : {}) }),
    );
    if (!result) return undefined;
    this.addRoom(result.room);
    this.selectRoom(result.room.id);
    return result;
  }

  joinCode(code: string) {
    return this.enter(() => this.request('code:join', { code }));
  }

  async leave(roomId: string): Promise<void> {
    const left = await this.attempt(() => this.request('room:leave', { roomId }));
    if (left) this.dropRoom({ roomId, reason: 'left' }, true);
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    if (await this.attempt(() => this.request('room:add-member', { roomId, userId })))
      void this.loadMembers(roomId);
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    if (await this.attempt(() => this.request('room:remove-member', { roomId, userId })))
      void this.loadMembers(roomId);
  }

  async findMatch(): Promise<void> {
    const result = await this.attempt(() => this.request('match:random', {}));
    if (!result) return;
    if (result.status === 'waiting') this.update(() => ({ match: 'waiting' }));
    else {
      this.addRoom(result.room);
      this.update(() => ({ match: 'idle' }));
      this.selectRoom(result.room.id);
    }
  }

  async cancelMatch(): Promise<void> {
    await this.attempt(() => this.request('match:cancel', {}));
    this.update(() => ({ match: 'idle' }));
  }

  async searchUsers(query: string) {
    if (!query.trim()) return [];
    try {
      return (await this.request('users:search', { query })).users;
    } catch {
      return [];
    }
  }

  listChannels() {
    return this.request('channels:list', {}).then((r) => r.channels);
  }
}

/** Keeps a loaded member list in step with joins and leaves. */
function updateMembers(state: ChatState, event: LogEvent): ChatState['members'] {
  const list = state.members[event.roomId];
  if (!list) return state.members;
  if (event.type === 'room:member-joined' && !list.some((m) => m.id === event.user.id)) {
    const presence = state.presence[event.user.id];
    const member: Member = {
      ...event.user,
      role: 'member',
      online: presence?.online ?? true,
      lastSeenAt: presence?.lastSeenAt ?? null,
      joinedAt: event.at,
    };
    return { ...state.members, [event.roomId]: [...list, member] };
  }
  if (event.type === 'room:member-left') {
    return { ...state.members, [event.roomId]: list.filter((m) => m.id !== event.userId) };
  }
  return state.members;
}

/** Total unread across rooms, for the document title. */
export function totalUnread(state: ChatState): number {
  return Object.values(state.rooms).reduce((sum, v) => sum + v.room.unread, 0);
}
