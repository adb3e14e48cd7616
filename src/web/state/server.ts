import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  RequestEvent,
  RequestPayload,
  ResponsePayloads,
  ServerToClientEvents,
} from '../../shared/protocol.js';
import type { ChatStore } from './store.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where the server is and how to prove who we are. */
export interface ServerOptions {
  /** Server origin; defaults to the page's. */
  baseUrl?: string;
  /** Bearer token; the web app leaves it out and relies on the HttpOnly session cookie. */
  token?: string;
  onUnauthorized(): void;
}

/** Where a form wants a refusal's message, instead of a toast. */
/** Where a form takes a refusal: the message, and the request field it is about if the server named one. */
export type Refused = (message: string, field?: string) => void;

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 10_000;

export function createSocket(options: ServerOptions): ChatSocket {
  return io(options.baseUrl ?? '', {
    autoConnect: false,
    auth: options.token ? { token: options.token } : {},
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5_000,
  });
}

/**
 * The ways the engine asks the server something: a socket request with an acknowledgement, or
 * a JSON fetch (history pages). Every part of the engine goes through here, so an error always
 * arrives as a RequestError with the server's code.
 */
export class Server {
  constructor(
    readonly socket: ChatSocket,
    private readonly options: ServerOptions,
    private readonly store: ChatStore,
  ) {}

  async request<E extends RequestEvent>(
    event: E,
    payload: RequestPayload<E>,
    timeoutMs = ACK_TIMEOUT_MS,
  ): Promise<ResponsePayloads[E]> {
    const emitter = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Ack<ResponsePayloads[E]>>;
    };
    const ack = await emitter.emitWithAck(event, payload ?? {});
    if (!ack.ok) throw new RequestError(ack.error.code, ack.error.message, ack.error.field);
    return ack as ResponsePayloads[E];
  }

  /**
   * Runs a request the user asked for; failures become a notice instead of an exception — or,
   * given `onRefused`, go to it (a form shows them under its field).
   */
  async attempt<T>(work: () => Promise<T>, onRefused?: Refused): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof RequestError ? error.message : 'The server did not answer, try again';
      if (onRefused) onRefused(message, error instanceof RequestError ? error.field : undefined);
      else this.store.notify(message, 'error');
      return undefined;
    }
  }

  async fetchJson<T>(path: string): Promise<T> {
    const response = await fetch(`${this.options.baseUrl ?? ''}${path}`, {
      credentials: 'include',
      headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
    });
    if (response.status === 401) this.options.onUnauthorized();
    if (!response.ok) throw new RequestError(String(response.status), `request failed (${response.status})`);
    return (await response.json()) as T;
  }
}

/** Background catch-up; a failure is retried by the next reconnect or gap, not thrown. */
export function catchUpQuietly(work: () => Promise<unknown>): void {
  work().catch(() => {});
}
