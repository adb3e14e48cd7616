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
import type { Metrics } from '../metrics.js';
import type { ChatService } from '../services/chat.js';
import type { Effect, Outcome } from '../services/effects.js';
import type { HistoryService } from '../services/history.js';
import { BatchFailedError } from '../store/write-queue.js';
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

type Reply<E extends RequestEvent> = ResponsePayloads[E] | Outcome<ResponsePayloads[E]>;
type Handler<E extends RequestEvent> = (payload: RequestPayload<E>) => Promise<Reply<E>>;

/**
 * One thin handler per client event: validate the payload against the shared schema, call the
 * service as the socket's user, ack, then broadcast the effects. Every handler runs through
 * `handle`, so a bad payload, a refused action or a crash becomes an error ack for that
 * request alone and never takes down the socket or the process.
 */
export function registerHandlers(socket: ParleySocket, ctx: HandlerContext): void {
  const { chat, history, limiter } = ctx;
  const user = socket.data.session.user;
  const on = <E extends RequestEvent>(event: E, handler: Handler<E>) => handle(socket, ctx, event, handler);

  on('rooms:list', async () => chat.listMyRoomsWithPresence(user.id));
  on('channels:list', async () => ({ channels: await chat.listChannels(user.id) }));
  on('room:join', async ({ roomId }) => wrap(await chat.joinChannel(user, roomId), (room) => ({ room })));
  on('room:leave', async ({ roomId }) => chat.leaveRoom(user, roomId));
  on('room:create', async (input) => wrap(await chat.createRoom(user, input), (room) => ({ room })));
  on('room:members', async ({ roomId }) => ({ members: await chat.members(user.id, roomId) }));
  on('room:add-member', async ({ roomId, userId }) =>
    wrap(await chat.addGroupMember(user, roomId, userId), (room) => ({ room })),
  );
  on('room:remove-member', async ({ roomId, userId }) =>
    wrap(await chat.removeGroupMember(user, roomId, userId), (room) => ({ room })),
  );
  on('room:read', async ({ roomId, seq }) => ({ lastReadSeq: await chat.markRead(user.id, roomId, seq) }));
  on('dm:open', async ({ userId }) => wrap(await chat.openDm(user, userId), (room) => ({ room })));
  on('code:create', async (input) => chat.createCodeRoom(user, input));
  on('code:join', async ({ code }) =>
    wrap(await chat.joinByCode(user, code, socket.data.address), (room) => ({ room })),
  );
  on('match:random', async () => chat.requestMatch(user));
  on('match:cancel', async () => ({ cancelled: await chat.cancelMatch(user.id) }));
  on('message:send', async (input) =>
    wrap(await chat.sendMessage(user, input), ({ message }) => ({ message })),
  );
  on('message:edit', async ({ messageId, text }) =>
    wrap(await chat.editMessage(user, messageId, text), (message) => ({ message })),
  );
  on('message:delete', async ({ messageId }) => chat.deleteMessage(user, messageId));
  on('reaction:toggle', async ({ messageId, emoji }) => chat.toggleReaction(user, messageId, emoji));
  on('typing', async ({ roomId, typing }) => {
    // Typing notices are best effort: over the rate they are dropped, never reported as errors.
    // Membership first, so made-up room ids cannot create rate-limit buckets.
    if (!socket.rooms.has(roomChannel(roomId))) throw new DomainError('not_found', 'room not found');
    if (!(await limiter.take('typing', `${user.id}:${roomId}`)).allowed) return {};
    socket.to(roomChannel(roomId)).emit('typing', { roomId, userId: user.id, typing });
    return {};
  });
  on('sync', async ({ cursors }) => history.sync(user.id, cursors));
  on('users:search', async ({ query }) => ({ users: await chat.searchUsers(user.id, query) }));
}

function wrap<T, R>(result: Outcome<T>, shape: (value: T) => R): Outcome<R> {
  return { value: shape(result.value), effects: result.effects };
}

function isOutcome<T>(reply: T | Outcome<T>): reply is Outcome<T> {
  return typeof reply === 'object' && reply !== null && 'effects' in reply && 'value' in reply;
}

function handle<E extends RequestEvent>(
  socket: ParleySocket,
  ctx: HandlerContext,
  event: E,
  handler: Handler<E>,
): void {
  const schema = requestSchemas[event] as unknown as z.ZodType<RequestPayload<E>>;
  const listen = socket.on.bind(socket) as unknown as (
    event: string,
    listener: (...args: unknown[]) => void,
  ) => void;
  listen(event, async (...args: unknown[]) => {
    const started = performance.now();
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: Ack) => void) : undefined;
    let effects: Effect[] = [];
    let response: Ack<ResponsePayloads[E]>;
    try {
      await ctx.ready;
      // A socket that closed while its subscription was pending must not act any more (it
      // would, say, wait in the match queue with nobody there).
      if (!socket.connected) throw new DomainError('unavailable', 'the connection is closed');
      if (socket.data.session.expiresAt <= Date.now())
        throw new DomainError('unauthorized', 'session expired');
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) throw new DomainError('bad_request', describeIssues(parsed.error));
      const reply = await handler(parsed.data);
      if (isOutcome(reply)) effects = reply.effects;
      response = { ok: true, ...(isOutcome(reply) ? reply.value : reply) } as Ack<ResponsePayloads[E]>;
    } catch (error) {
      response = { ok: false, error: errorBody(error, ctx.log, event) };
    }
    // The write is committed: ack the sender first, then let the room hear about it.
    ack?.(response);
    ctx.gateway.apply(effects);
    ctx.metrics?.events.inc({ event, outcome: response.ok ? 'ok' : response.error.code });
    ctx.metrics?.ackLatency.observe({ event }, (performance.now() - started) / 1000);
  });
}

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

function errorBody(error: unknown, log: Logger, event: string): ErrorBody {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof BatchFailedError) {
    log.error({ err: error.cause, event }, 'write batch failed');
    return { code: 'unavailable', message: 'the server could not store that, try again' };
  }
  if (error instanceof Error && error.message === 'write queue is closed') {
    return { code: 'unavailable', message: 'the server is shutting down, try again shortly' };
  }
  log.error({ err: error, event }, 'event handler failed');
  return { code: 'internal', message: 'something went wrong on our side' };
}
