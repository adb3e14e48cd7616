import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, TypingEvent } from '../../shared/protocol.js';
import type { Session } from '../services/auth.js';
import type { Seen } from '../services/sessions.js';

/** Types of the realtime layer, here so that the gateway and the handlers need not import each other. */

export interface SocketData {
  session: Session;
  address: string;
  /** Where the handshake came from, for the session's "last active" (services/sessions.ts). */
  seen: Seen;
  /** How many `me:updated` answers were asked for this socket: only the latest is sent. */
  selfAsked?: number;
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

/** What event handlers need from the gateway. */
export interface GatewayForHandlers {
  /** False once the node has begun shutting down. */
  readonly acceptingEvents: boolean;
  /** A typing notice from this socket, to the rest of its room on every node. */
  typing(socket: ParleySocket, event: TypingEvent): void;
}
