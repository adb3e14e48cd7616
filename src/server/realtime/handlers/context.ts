import type { Logger } from 'pino';
import type { RequestEvent, RequestPayload, ResponsePayloads } from '../../../shared/protocol.js';
import type { Metrics } from '../../metrics.js';
import type { Services } from '../../services/index.js';
import type { GatewayForHandlers, ParleySocket } from '../types.js';

export interface HandlerContext {
  services: Services;
  metrics?: Metrics | undefined;
  gateway: GatewayForHandlers;
  /** Settles once the socket is in its rooms: nothing is handled before. */
  ready: Promise<void>;
  log: Logger;
}

/** Who is asking: built once per socket, passed to every handler. */
export interface Caller {
  socket: ParleySocket;
  user: ParleySocket['data']['session']['user'];
  ctx: HandlerContext;
  /** Reads this socket has in progress (see MAX_READS_IN_FLIGHT in index.ts). */
  readsInFlight: number;
}

export type Handler<E extends RequestEvent> = (
  caller: Caller,
  payload: RequestPayload<E>,
) => Promise<ResponsePayloads[E]>;

/** Handlers of some of the client events: each area's file exports one such table. */
export type HandlerTable<E extends RequestEvent> = { [K in E]: Handler<K> };
