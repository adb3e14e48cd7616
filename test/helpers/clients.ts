import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  AuthResponse,
  ClientToServerEvents,
  RequestEvent,
  RequestPayload,
  ResponsePayloads,
  ServerToClientEvents,
} from '../../src/shared/protocol.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function getJson(
  url: string,
  token?: string,
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

let counter = 0;
/** A username unique within the test run. */
export const uniqueName = (prefix = 'user') => `${prefix}${process.pid}x${++counter}`;

export async function register(
  baseUrl: string,
  username = uniqueName(),
  password = 'correct horse battery',
): Promise<AuthResponse> {
  const { status, body } = await postJson(`${baseUrl}/api/auth/register`, { username, password });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

export async function guest(baseUrl: string, username = uniqueName('guest')): Promise<AuthResponse> {
  const { status, body } = await postJson(`${baseUrl}/api/auth/guest`, { username });
  if (status !== 201) throw new Error(`guest failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

const openSockets = new Set<ClientSocket>();

/** Connects over WebSocket with a token and waits for the server to accept (or refuse). */
export function connect(
  baseUrl: string,
  token: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  openSockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export function closeAllSockets(): void {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
}

/** Emits a request and resolves with its ack (rejects if none arrives in time). */
export function call<E extends RequestEvent>(
  socket: ClientSocket,
  event: E,
  payload?: RequestPayload<E>,
  timeoutMs = 10_000,
): Promise<Ack<ResponsePayloads[E]>> {
  return (socket.timeout(timeoutMs) as any).emitWithAck(event, payload ?? {});
}

/** Like `call`, but throws unless the ack is ok, and returns the ack's payload. */
export async function ok<E extends RequestEvent>(
  socket: ClientSocket,
  event: E,
  payload?: RequestPayload<E>,
): Promise<ResponsePayloads[E]> {
  const ack = await call(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.message}`);
  return ack as ResponsePayloads[E];
}

export const send = (socket: ClientSocket, roomId: string, text: string, clientMsgId = randomUUID()) =>
  ok(socket, 'message:send', { roomId, clientMsgId, text });

/** Records every server → client event a socket receives, in arrival order. */
export class Recorder {
  readonly events: { event: string; payload: any }[] = [];
  private waiters: { match: (e: { event: string; payload: any }) => boolean; resolve: (p: any) => void }[] =
    [];

  constructor(socket: ClientSocket) {
    socket.onAny((event: string, payload: unknown) => {
      const entry = { event, payload };
      this.events.push(entry);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(entry)) return true;
        w.resolve(entry.payload);
        return false;
      });
    });
  }

  of(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload);
  }

  /** Resolves with the first matching event, past or future. */
  wait(event: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 5_000): Promise<any> {
    const seen = this.events.find((e) => e.event === event && predicate(e.payload));
    if (seen) return Promise.resolve(seen.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
      this.waiters.push({
        match: (e) => e.event === event && predicate(e.payload),
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload);
        },
      });
    });
  }
}

/** Waits a little and asserts nothing: used before checking that something did NOT arrive. */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

export async function signedIn(baseUrl: string, kind: 'register' | 'guest' = 'register', name?: string) {
  const auth = kind === 'register' ? await register(baseUrl, name) : await guest(baseUrl, name);
  const socket = await connect(baseUrl, auth.token);
  const recorder = new Recorder(socket);
  return { ...auth, socket, recorder };
}

export async function channelId(socket: ClientSocket, name: string): Promise<string> {
  const { channels } = await ok(socket, 'channels:list');
  const channel = channels.find((c) => c.name === name);
  if (!channel) throw new Error(`no channel ${name}`);
  return channel.id;
}

/** Polls until the check passes (it may be async), or throws after the timeout. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await settle(25);
  }
}
