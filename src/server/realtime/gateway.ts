import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { PresenceEvent, TypingEvent } from '../../shared/protocol.js';
import type { RateDecision } from '../domain/rate-limit.js';
import { isOriginAllowed } from '../http/origin.js';
import { SESSION_COOKIE, tokenFrom } from '../http/session.js';
import type { Metrics } from '../metrics.js';
import type { Session } from '../services/auth.js';
import type { Effect } from '../services/effects.js';
import type { Services } from '../services/index.js';
import { Broadcaster, type Delivery, type Peers } from './broadcaster.js';
import { roomChannel, sessionChannel, userChannel } from './channels.js';
import { registerHandlers } from './handlers/index.js';
import { PresenceAnnouncer } from './presence-announcer.js';
import type { GatewayForHandlers, ParleyServer, ParleySocket } from './types.js';
import { coalesceWrites } from './write-coalescing.js';

export interface GatewayDeps {
  httpServer: HttpServer;
  services: Services;
  allowedOrigins: string[];
  /** The other nodes of a cluster (cluster/bus.ts); absent on a single node. */
  peers?: Peers | undefined;
  metrics?: Metrics | undefined;
  trustProxy: boolean;
  /** How long a user may be without a socket before they are announced offline. */
  presenceGraceMs: number;
  logger: Logger;
}

// setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); longer sessions are still
// checked on every event and their sockets closed by the periodic expiry sweep.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Socket frames are small: files travel over HTTP. */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

/**
 * The Socket.IO side of Parley: checks origin and session at the handshake, puts each socket
 * in its user's, session's and rooms' channels, tracks presence, and hands service effects to
 * the broadcaster (broadcaster.ts). Event handlers themselves live in handlers/. Socket.IO
 * runs with its in-memory adapter: other nodes are reached through `peers`.
 */
export class Gateway implements GatewayForHandlers {
  readonly io: ParleyServer;
  private readonly broadcaster: Broadcaster;
  /** Sockets just connected, waiting to be told who they are (`tellSoon`). */
  private readonly newcomers = new Set<ParleySocket>();
  private readonly presence: PresenceAnnouncer;
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
    });
    this.broadcaster = new Broadcaster(this.io, deps.peers, deps.metrics, {
      // The reload tells every socket when what users may start changed (app.ts, onLoaded).
      settingsChanged: () => deps.services.settings.invalidate(),
      selvesChanged: (userIds) => this.tellSelves(userIds),
    });
    this.presence = new PresenceAnnouncer({
      presence: deps.services.presence,
      markSeen: (userId, at) => deps.services.people.markSeen(userId, at),
      lastSeenOf: (userIds) => deps.services.people.lastSeenOf(userIds),
      cancelMatch: (userId) => deps.services.matching.cancel(userId),
      broadcast: (event) => this.broadcastPresence(event),
      graceMs: deps.presenceGraceMs,
      now: Date.now,
      logger: deps.logger,
    });
    this.presence.start();
    this.io.use((socket, next) => {
      const address = clientAddress(socket.request, deps.trustProxy);
      // A client reconnecting in a loop costs a session lookup, a membership read and presence
      // writes per round: handshakes are limited per address before that, and per user after.
      const throttled = (decision: RateDecision) =>
        decision.allowed
          ? undefined
          : Object.assign(new Error('rate_limited'), { data: { retryAfterMs: decision.retryAfterMs } });
      deps.services.limiter
        .take('handshakeAddress', address)
        .then(async (byAddress) => {
          const refused = throttled(byAddress);
          if (refused) return next(refused);
          const session = await this.authenticate(socket);
          if (!session) return next(new Error('unauthorized'));
          const byUser = throttled(await deps.services.limiter.take('handshake', session.user.id));
          if (byUser) return next(byUser);
          socket.data.session = session;
          socket.data.address = address;
          socket.data.seen = { address, userAgent: socket.request.headers['user-agent'] };
          deps.services.sessions.noteActivity(session, socket.data.seen);
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

  /** Broadcasts the effects of a committed batch, here and on every node, in commit order. */
  apply(effects: readonly Effect[]): void {
    this.broadcaster.announce(effects);
  }

  /** What another node announced (cluster/bus.ts). */
  fromPeer(deliveries: readonly Delivery[]): void {
    this.broadcaster.fromPeer(deliveries);
  }

  /** A typing notice from this socket, to the rest of its room on every node. */
  typing(socket: ParleySocket, event: TypingEvent): void {
    this.broadcaster.typing(socket, event);
  }

  /** Closes every socket of these sessions, wherever they are connected. */
  disconnectSessions(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.broadcaster.announce([{ kind: 'disconnect-sessions', sessionIds: [...sessionIds] }]);
  }

  /**
   * Closes this node's sockets whose session no longer exists in the store: revoked by another
   * process (the operator CLI deactivating someone), which cannot reach this node's sockets.
   */
  async closeRevokedSessions(): Promise<number> {
    const prefix = sessionChannel('');
    const connected = [...this.io.of('/').adapter.rooms.keys()]
      .filter((channel) => channel.startsWith(prefix))
      .map((channel) => channel.slice(prefix.length));
    if (connected.length === 0) return 0;
    const live = await this.deps.services.auth.liveSessions(connected);
    const revoked = connected.filter((id) => !live.has(id));
    if (revoked.length > 0) this.io.local.in(revoked.map(sessionChannel)).disconnectSockets(true);
    return revoked.length;
  }

  /** Refuses new connections and new requests; existing sockets stay until `close`. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits for presence updates still in flight (so a clean shutdown leaves no stale state). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** False once shutdown began: new requests are answered `unavailable`. */
  get acceptingEvents(): boolean {
    return this.accepting;
  }

  /**
   * Hangs up every socket and records what that means — last-seen through the write queue,
   * presence (whose offlines the other nodes announce after the grace) — before returning.
   */
  async close(): Promise<void> {
    this.accepting = false;
    // Effects of the last commits go out on the turn after them: let them, before hanging up.
    await new Promise((resolve) => setImmediate(resolve));
    this.io.local.disconnectSockets(true);
    await this.drain();
    await this.presence.stop();
    this.broadcaster.close();
    // Close the engine but not the HTTP server: Fastify owns that and closes it next.
    this.io.engine.close();
  }

  private authenticate(socket: ParleySocket): Promise<Session | null> {
    const fromAuth = socket.handshake.auth as { token?: unknown } | undefined;
    const cookies = parseCookie(socket.handshake.headers.cookie ?? '');
    const token =
      typeof fromAuth?.token === 'string' ? fromAuth.token : tokenFrom(undefined, cookies[SESSION_COOKIE]);
    return this.deps.services.auth.authenticate(token);
  }

  /**
   * Sends `me:updated` to this node's sockets of these users (all of them when none are
   * given): their role, or what the settings let them start, changed. Each is read fresh; a
   * socket asked about again before an answer arrived gets only the newer answer, so answers
   * that come back out of order cannot leave it with the older one.
   */
  /**
   * Connections that arrive together (thousands after a network blip) are told together: one
   * read per 500 users instead of one per socket.
   */
  private tellSoon(socket: ParleySocket): void {
    if (this.newcomers.size === 0) {
      setImmediate(() => {
        const sockets = [...this.newcomers];
        this.newcomers.clear();
        this.tellSockets(sockets);
      });
    }
    this.newcomers.add(socket);
  }

  tellSelves(userIds?: readonly string[]): void {
    const wanted = userIds && new Set(userIds);
    const sockets = [...this.io.sockets.sockets.values()].filter((socket) => {
      const id = socket.data.session?.user.id;
      return id !== undefined && (!wanted || wanted.has(id));
    });
    this.tellSockets(sockets);
  }

  private tellSockets(sockets: readonly ParleySocket[]): void {
    if (sockets.length === 0) return;
    const asked = new Map<ParleySocket, number>();
    for (const socket of sockets) {
      socket.data.selfAsked = (socket.data.selfAsked ?? 0) + 1;
      asked.set(socket, socket.data.selfAsked);
    }
    const userIds = [...new Set(sockets.map((socket) => socket.data.session.user.id))];
    this.deps.services.people.selvesOf(userIds).then(
      (selves) => {
        for (const [socket, turn] of asked) {
          const user = selves.get(socket.data.session.user.id);
          if (!user || !socket.connected || socket.data.selfAsked !== turn) continue;
          socket.data.session = { ...socket.data.session, role: user.role };
          socket.emit('me:updated', { user });
        }
      },
      (error: unknown) => this.deps.logger.warn({ err: error }, 'could not tell users of their new rights'),
    );
  }

  private onConnection(socket: ParleySocket): void {
    const { session } = socket.data;
    const userId = session.user.id;
    const log = this.deps.logger.child({ socketId: socket.id, userId });
    this.deps.metrics?.connections.inc();
    // Who they are now, read after the socket is in the list `tellSelves` walks: the page may
    // have been open through a promotion or a settings change, even one made this instant.
    this.tellSoon(socket);

    // Handlers are attached at once so no early packet is dropped; they wait for `ready`,
    // which resolves when the socket is in all its rooms.
    const ready = this.subscribe(socket);
    registerHandlers(socket, {
      services: this.deps.services,
      metrics: this.deps.metrics,
      gateway: this,
      ready,
      log,
    });

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
      this.track(this.presence.disconnected(userId), log, 'could not record going offline');
    });

    ready.then(
      () => {
        if (!socket.connected) return;
        counted = true;
        // Presence is a nicety: if it cannot be recorded (Redis away), the socket still works.
        this.track(this.presence.connected(userId), log, 'could not record coming online');
      },
      (error: unknown) => {
        log.error({ err: error }, 'could not subscribe socket to its rooms');
        socket.disconnect(true);
      },
    );
  }

  private async subscribe(socket: ParleySocket): Promise<void> {
    const { session } = socket.data;
    socket.join([userChannel(session.user.id), sessionChannel(session.id)]);
    const roomIds = await this.deps.services.rooms.subscriptionsOf(session.user.id);
    socket.join(roomIds.map(roomChannel));
    if (!this.deps.peers) return;
    // Across nodes, a removal committed elsewhere may have sent its "leave" while this socket
    // was between reading its rooms and joining them. Reading once more after joining closes
    // that window: anything removed since is left now; anything removed later reaches us.
    const current = new Set(await this.deps.services.rooms.roomIdsOf(session.user.id));
    for (const roomId of roomIds) if (!current.has(roomId)) socket.leave(roomChannel(roomId));
  }

  /** Presence goes to everyone who shares a room with the user (each socket once). */
  async broadcastPresence(event: PresenceEvent): Promise<void> {
    const roomIds = await this.deps.services.rooms.presenceRoomIdsOf(event.userId);
    this.broadcaster.announce([{ kind: 'presence', event, roomIds }]);
  }
}

function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
  return request.socket.remoteAddress ?? 'unknown';
}
