import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, PresenceEvent, ServerToClientEvents } from '../../shared/protocol.js';
import type { PresenceTracker } from '../domain/presence.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { SESSION_COOKIE, tokenFrom } from '../http/session.js';
import type { AuthService, Session } from '../services/auth.js';
import type { ChatService } from '../services/chat.js';
import type { Effect } from '../services/effects.js';
import type { EphemeralRooms } from '../services/ephemeral.js';
import type { HistoryService } from '../services/history.js';
import { roomChannel, sessionChannel, userChannel } from './channels.js';
import { registerHandlers } from './handlers.js';
import { isOriginAllowed } from './origin.js';

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
  presence: PresenceTracker;
  limiter: RateLimiter;
  ephemeral: () => EphemeralRooms;
  allowedOrigins: string[];
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

  async close(): Promise<void> {
    this.accepting = false;
    this.io.disconnectSockets(true);
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

    socket.on('disconnect', (reason) => {
      clearTimeout(expiry);
      log.debug({ reason }, 'socket disconnected');
      if (!this.deps.presence.disconnect(userId, socket.id)) return;
      this.deps.chat.cancelMatch(userId);
      this.deps.ephemeral().userOffline(userId);
      void this.deps.chat
        .markSeen(userId)
        .then((lastSeenAt) => this.broadcastPresence({ userId, online: false, lastSeenAt }))
        .catch((error: unknown) => log.warn({ err: error }, 'could not record last-seen time'));
    });

    ready
      .then(() => {
        if (!socket.connected) return;
        if (this.deps.presence.connect(userId, socket.id)) {
          this.deps.ephemeral().userOnline(userId);
          this.broadcastPresence({ userId, online: true, lastSeenAt: null }).catch((error: unknown) =>
            log.warn({ err: error }, 'could not broadcast presence'),
          );
        }
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'could not subscribe socket to its rooms');
        socket.disconnect(true);
      });
  }

  private async subscribe(socket: ParleySocket): Promise<void> {
    const { session } = socket.data;
    const roomIds = await this.deps.chat.subscriptionsOf(session.user.id);
    socket.join([userChannel(session.user.id), sessionChannel(session.id), ...roomIds.map(roomChannel)]);
  }

  /** Presence goes to everyone who shares a room with the user (each socket once). */
  private async broadcastPresence(event: PresenceEvent): Promise<void> {
    const roomIds = await this.deps.chat.roomIdsOf(event.userId);
    this.io.to([userChannel(event.userId), ...roomIds.map(roomChannel)]).emit('presence', event);
  }
}

function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
  return request.socket.remoteAddress ?? 'unknown';
}
