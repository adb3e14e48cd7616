import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, PresenceEvent, ServerToClientEvents } from '../../shared/protocol.js';
import type { Presence } from '../domain/presence.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { isOriginAllowed } from '../http/origin.js';
import { SESSION_COOKIE, tokenFrom } from '../http/session.js';
import type { Metrics } from '../metrics.js';
import type { AuthService, Session } from '../services/auth.js';
import type { ChatService } from '../services/chat.js';
import type { Effect } from '../services/effects.js';
import type { HistoryService } from '../services/history.js';
import { roomChannel, sessionChannel, userChannel } from './channels.js';
import { registerHandlers } from './handlers.js';
import { coalesceWrites } from './write-coalescing.js';

export interface SocketData {
  session: Session;
  address: string;
}

export type ParleyServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type ParleySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface GatewayDeps {
  httpServer: HttpServer;
  auth: AuthService;
  chat: ChatService;
  history: HistoryService;
  presence: Presence;
  limiter: RateLimiter;
  allowedOrigins: string[];
  /** Set when several nodes share a Redis adapter. */
  adapter?: Parameters<ParleyServer['adapter']>[0] | undefined;
  metrics?: Metrics | undefined;
  trustProxy: boolean;
  logger: Logger;
}

// setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); longer sessions are still
// checked on every event and their sockets closed by the periodic expiry sweep.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Socket frames are small: files travel over HTTP. */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

/**
 * The Socket.IO side of Parley: checks origin and session at the handshake, puts each socket
 * in its user's, session's and rooms' channels, tracks presence, and applies service effects
 * as broadcasts. Event handlers themselves live in handlers.ts.
 */
export class Gateway {
  readonly io: ParleyServer;
  private accepting = true;
  private readonly pending = new Set<Promise<unknown>>();

  /** Runs background work tied to sockets, logging failures and remembering it for drain(). */
  private track(work: Promise<unknown>, log: Logger, what: string): void {
    const tracked = work.catch((error: unknown) => log.warn({ err: error }, what));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  constructor(private readonly deps: GatewayDeps) {
    this.io = new Server(deps.httpServer, {
      serveClient: false,
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      allowRequest: (request, callback) => {
        const allowed = this.accepting && isOriginAllowed(request, deps.allowedOrigins, deps.trustProxy);
        callback(allowed ? null : 'origin not allowed', allowed);
      },
      cors: deps.allowedOrigins.length > 0 ? { origin: deps.allowedOrigins, credentials: true } : undefined,
      ...(deps.adapter ? { adapter: deps.adapter } : {}),
    });
    this.io.use((socket, next) => {
      this.authenticate(socket)
        .then((session) => {
          if (!session) return next(new Error('unauthorized'));
          socket.data.session = session;
          socket.data.address = clientAddress(socket.request, deps.trustProxy);
          next();
        })
        .catch((error: unknown) => {
          deps.logger.error({ err: error }, 'handshake authentication failed');
          next(new Error('unavailable'));
        });
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    coalesceWrites(this.io.engine);
  }

  /** Broadcasts the outcome of a committed change. Order matters and is kept. */
  apply(effects: readonly Effect[]): void {
    const { io } = this;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'log':
          io.to(roomChannel(effect.event.roomId)).emit(effect.event.type, effect.event as never);
          break;
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
      }
    }
  }

  /** Closes every socket of these sessions, wherever they are connected. */
  disconnectSessions(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.io.in(sessionIds.map(sessionChannel)).disconnectSockets(true);
  }

  /** Refuses new connections; existing sockets stay until `close`. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits for presence updates still in flight (so a clean shutdown leaves no stale state). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.io.local.disconnectSockets(true);
    await this.drain();
    // Close the engine but not the HTTP server: Fastify owns that and closes it next.
    this.io.engine.close();
  }

  private authenticate(socket: ParleySocket): Promise<Session | null> {
    const fromAuth = socket.handshake.auth as { token?: unknown } | undefined;
    const cookies = parseCookie(socket.handshake.headers.cookie ?? '');
    const token =
      typeof fromAuth?.token === 'string' ? fromAuth.token : tokenFrom(undefined, cookies[SESSION_COOKIE]);
    return this.deps.auth.authenticate(token);
  }

  private onConnection(socket: ParleySocket): void {
    const { session } = socket.data;
    const userId = session.user.id;
    const log = this.deps.logger.child({ socketId: socket.id, userId });
    this.deps.metrics?.connections.inc();

    // Handlers are attached at once so no early packet is dropped; they wait for `ready`,
    // which resolves when the socket is in all its rooms.
    const ready = this.subscribe(socket);
    registerHandlers(socket, { ...this.deps, gateway: this, ready, log });

    // An expired session loses its sockets at the moment it expires, not at the next request.
    const untilExpiry = session.expiresAt - Date.now();
    const expiry =
      untilExpiry < MAX_TIMER_MS
        ? setTimeout(() => socket.disconnect(true), Math.max(0, untilExpiry))
        : undefined;

    let counted = false;
    socket.on('disconnect', (reason) => {
      clearTimeout(expiry);
      this.deps.metrics?.connections.dec();
      log.debug({ reason }, 'socket disconnected');
      if (!counted) return;
      this.track(
        (async () => {
          // Last-seen first: whoever then finds the user offline also finds a fresh last-seen.
          const lastSeenAt = await this.deps.chat.markSeen(userId);
          if (!(await this.deps.presence.disconnect(userId, socket.id))) return;
          await this.userWentOffline(userId, lastSeenAt);
        })(),
        log,
        'could not record going offline',
      );
    });

    ready.then(
      () => {
        if (!socket.connected) return;
        counted = true;
        // Presence is a nicety: if it cannot be recorded (Redis away), the socket still works.
        this.track(
          (async () => {
            if (await this.deps.presence.connect(userId, socket.id)) {
              await this.broadcastPresence({ userId, online: true, lastSeenAt: null });
            }
          })(),
          log,
          'could not record coming online',
        );
      },
      (error: unknown) => {
        log.error({ err: error }, 'could not subscribe socket to its rooms');
        socket.disconnect(true);
      },
    );
  }

  /** A user is gone from every node: leave the match line, tell the people who share rooms. */
  async userWentOffline(userId: string, lastSeenAt: number): Promise<void> {
    await this.deps.chat.cancelMatch(userId);
    await this.broadcastPresence({ userId, online: false, lastSeenAt });
  }

  private async subscribe(socket: ParleySocket): Promise<void> {
    const { session } = socket.data;
    socket.join([userChannel(session.user.id), sessionChannel(session.id)]);
    const roomIds = await this.deps.chat.subscriptionsOf(session.user.id);
    socket.join(roomIds.map(roomChannel));
    if (!this.deps.adapter) return;
    // Across nodes, a removal committed elsewhere may have sent its "leave" while this socket
    // was between reading its rooms and joining them. Reading once more after joining closes
    // that window: anything removed since is left now; anything removed later reaches us.
    const current = new Set(await this.deps.chat.roomIdsOf(session.user.id));
    for (const roomId of roomIds) if (!current.has(roomId)) socket.leave(roomChannel(roomId));
  }

  /** Presence goes to everyone who shares a room with the user (each socket once). */
  async broadcastPresence(event: PresenceEvent): Promise<void> {
    const roomIds = await this.deps.chat.presenceRoomIdsOf(event.userId);
    this.io.to([userChannel(event.userId), ...roomIds.map(roomChannel)]).emit('presence', event);
  }
}

function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
  return request.socket.remoteAddress ?? 'unknown';
}
