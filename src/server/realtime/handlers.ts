import type { Logger } from 'pino';
import type { z } from 'zod';
import type {
  Ack,
  ErrorBody,
  RequestEvent,
  RequestPayload,
  ResponsePayloads,
} from '../../shared/protocol.js';
import { requestSchemas } from '../../shared/schemas.js';
import { DomainError } from '../domain/errors.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { mapError } from '../error-mapper.js';
import type { Metrics } from '../metrics.js';
import type { ChatService } from '../services/chat.js';
import type { Outcome } from '../services/effects.js';
import type { HistoryService } from '../services/history.js';
import { roomChannel } from './channels.js';
import type { Gateway, ParleySocket } from './gateway.js';

export interface HandlerContext {
  chat: ChatService;
  history: HistoryService;
  limiter: RateLimiter;
  metrics?: Metrics | undefined;
  gateway: Gateway;
  ready: Promise<void>;
  log: Logger;
}

/** Who is asking: built once per socket, passed to every handler. */
interface Caller {
  socket: ParleySocket;
  user: ParleySocket['data']['session']['user'];
  ctx: HandlerContext;
  /** Reads this socket has in progress (see MAX_READS_IN_FLIGHT). */
  readsInFlight: number;
}

/**
 * Requests that only read, and may read a lot. A socket may have this many of them in
 * progress; more are refused at once instead of queueing work and answers in memory — a
 * client that does not wait for its answers is flooding, and the web client never has more
 * than one or two.
 */
const READS = new Set<RequestEvent>(['sync', 'rooms:list', 'channels:list', 'room:members', 'users:search']);
const MAX_READS_IN_FLIGHT = 4;

type Handlers = {
  [E in RequestEvent]: (caller: Caller, payload: RequestPayload<E>) => Promise<ResponsePayloads[E]>;
};

/**
 * One thin handler per client event: validate the payload against the shared schema (in
 * `dispatch`), call the service as the socket's user, ack. The effects of a change are
 * broadcast by the gateway when its batch commits, in commit order, not here. The
 * table is built once for the process; each socket adds a single listener, not one per event,
 * which matters with tens of thousands of idle connections.
 */
const HANDLERS: Handlers = {
  'rooms:list': async ({ ctx, user }) => ctx.chat.listMyRoomsWithPresence(user.id),
  'channels:list': async ({ ctx, user }) => ({ channels: await ctx.chat.listChannels(user.id) }),
  'room:join': async ({ ctx, user }, { roomId }) =>
    wrap(await ctx.chat.joinChannel(user, roomId), (room) => ({ room })),
  'room:leave': async ({ ctx, user }, { roomId }) => (await ctx.chat.leaveRoom(user, roomId)).value,
  'room:create': async ({ ctx, user }, input) =>
    wrap(await ctx.chat.createRoom(user, input), (room) => ({ room })),
  'room:members': async ({ ctx, user }, { roomId }) => ({ members: await ctx.chat.members(user.id, roomId) }),
  'room:add-member': async ({ ctx, user }, { roomId, userId }) =>
    wrap(await ctx.chat.addGroupMember(user, roomId, userId), (room) => ({ room })),
  'room:remove-member': async ({ ctx, user }, { roomId, userId }) =>
    wrap(await ctx.chat.removeGroupMember(user, roomId, userId), (room) => ({ room })),
  'room:read': async ({ ctx, user }, { roomId, seq }) => ({
    lastReadSeq: await ctx.chat.markRead(user.id, roomId, seq),
  }),
  'dm:open': async ({ ctx, user }, { userId }) =>
    wrap(await ctx.chat.openDm(user, userId), (room) => ({ room })),
  'code:create': async ({ ctx, user }, input) => (await ctx.chat.createCodeRoom(user, input)).value,
  'code:join': async ({ ctx, user, socket }, { code }) =>
    wrap(await ctx.chat.joinByCode(user, code, socket.data.address), (room) => ({ room })),
  'match:random': async ({ ctx, user }) => (await ctx.chat.requestMatch(user)).value,
  'match:cancel': async ({ ctx, user }) => ({ cancelled: await ctx.chat.cancelMatch(user.id) }),
  'message:send': async ({ ctx, user }, input) =>
    wrap(await ctx.chat.sendMessage(user, input), ({ message }) => ({ message })),
  'message:edit': async ({ ctx, user }, { messageId, text }) =>
    wrap(await ctx.chat.editMessage(user, messageId, text), (message) => ({ message })),
  'message:delete': async ({ ctx, user }, { messageId }) =>
    (await ctx.chat.deleteMessage(user, messageId)).value,
  'reaction:toggle': async ({ ctx, user }, { messageId, emoji }) =>
    (await ctx.chat.toggleReaction(user, messageId, emoji)).value,
  typing: async ({ ctx, user, socket }, { roomId, typing }) => {
    // Typing notices are best effort: over the rate they are dropped, never reported as errors.
    // Membership first, so made-up room ids cannot create rate-limit buckets.
    if (!socket.rooms.has(roomChannel(roomId))) throw new DomainError('not_found', 'room not found');
    if (!(await ctx.limiter.take('typing', `${user.id}:${roomId}`)).allowed) return {};
    ctx.gateway.typing(socket, { roomId, userId: user.id, typing });
    return {};
  },
  sync: async ({ ctx, user }, { cursors }) => ctx.history.sync(user.id, cursors),
  'users:search': async ({ ctx, user }, { query }) => ({ users: await ctx.chat.searchUsers(user.id, query) }),
};

export function registerHandlers(socket: ParleySocket, ctx: HandlerContext): void {
  const caller: Caller = { socket, user: socket.data.session.user, ctx, readsInFlight: 0 };
  socket.onAny((event: string, ...args: unknown[]) => {
    // Unknown events are ignored: nothing to validate them against, nothing to answer.
    if (Object.hasOwn(HANDLERS, event)) void dispatch(caller, event as RequestEvent, args);
  });
}

/** The ack payload from a service's outcome; its effects were announced at its commit. */
function wrap<T, R>(result: Outcome<T>, shape: (value: T) => R): R {
  return shape(result.value);
}

/**
 * Runs one request: wait until the socket is in its rooms, check the session, validate, call
 * the handler, ack. A bad payload, a refused action or a crash becomes an error
 * ack for that request alone and never takes down the socket or the process.
 */
async function dispatch<E extends RequestEvent>(caller: Caller, event: E, args: unknown[]): Promise<void> {
  const { socket, ctx } = caller;
  const started = performance.now();
  const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: Ack) => void) : undefined;
  let response: Ack<ResponsePayloads[E]>;
  const isRead = READS.has(event);
  if (isRead) caller.readsInFlight++;
  try {
    if (isRead && caller.readsInFlight > MAX_READS_IN_FLIGHT) {
      throw new DomainError('rate_limited', 'too many requests at once: wait for the answers', 1_000);
    }
    await ctx.ready;
    // A socket that closed while its subscription was pending must not act any more (it
    // would, say, wait in the match queue with nobody there).
    if (!socket.connected) throw new DomainError('unavailable', 'the connection is closed');
    if (!ctx.gateway.acceptingEvents) {
      throw new DomainError('unavailable', 'the server is shutting down, try again shortly');
    }
    if (socket.data.session.expiresAt <= Date.now()) throw new DomainError('unauthorized', 'session expired');
    const schema = requestSchemas[event] as unknown as z.ZodType<RequestPayload<E>>;
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) throw new DomainError('bad_request', describeIssues(parsed.error));
    const handler = HANDLERS[event] as (
      caller: Caller,
      payload: RequestPayload<E>,
    ) => Promise<ResponsePayloads[E]>;
    response = { ok: true, ...(await handler(caller, parsed.data)) } as Ack<ResponsePayloads[E]>;
  } catch (error) {
    response = { ok: false, error: errorBody(error, ctx.log, event) };
  } finally {
    if (isRead) caller.readsInFlight--;
  }
  // A write is committed by now; its effects go out once this ack (and the batch's other
  // acks) have, in commit order (services/index.ts).
  ack?.(response);
  ctx.metrics?.recordEvent(
    event,
    response.ok ? 'ok' : response.error.code,
    (performance.now() - started) / 1000,
  );
}

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

function errorBody(error: unknown, log: Logger, event: string): ErrorBody {
  const { code, message, retryAfterMs } = mapError(error, log, { event });
  return retryAfterMs ? { code, message, retryAfterMs } : { code, message };
}
