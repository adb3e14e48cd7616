import type { z } from 'zod';
import type {
  Ack,
  ErrorBody,
  RequestEvent,
  RequestPayload,
  ResponsePayloads,
} from '../../../shared/protocol.js';
import { requestSchemas } from '../../../shared/schemas.js';
import { DomainError } from '../../domain/errors.js';
import { mapError } from '../../error-mapper.js';
import type { ParleySocket } from '../types.js';
import type { Caller, Handler, HandlerContext } from './context.js';
import { messageHandlers } from './messages.js';
import { readHandlers } from './reads.js';
import { moderationHandlers, reportHandlers, roomHandlers } from './rooms.js';

export type { HandlerContext } from './context.js';

/**
 * One thin handler per client event, in one file per area: validate the payload against the
 * shared schema (in `dispatch`), call the service as the socket's user, ack. The effects of a
 * change are broadcast by the gateway when its batch commits, in commit order, not here. The
 * table is built once for the process; each socket adds a single listener, not one per event,
 * which matters with tens of thousands of idle connections. The type makes a client event
 * without a handler a compile error.
 */
const HANDLERS: { [E in RequestEvent]: Handler<E> } = {
  ...roomHandlers,
  ...moderationHandlers,
  ...reportHandlers,
  ...messageHandlers,
  ...readHandlers,
};

/**
 * Requests that only read, and may read a lot. A socket may have this many of them in
 * progress; more are refused at once instead of queueing work and answers in memory — a
 * client that does not wait for its answers is flooding, and the web client never has more
 * than one or two.
 */
const READS = new Set<RequestEvent>(['sync', 'rooms:list', 'channels:list', 'room:members', 'users:search']);
const MAX_READS_IN_FLIGHT = 4;

export function registerHandlers(socket: ParleySocket, ctx: HandlerContext): void {
  const caller: Caller = { socket, user: socket.data.session.user, ctx, readsInFlight: 0 };
  socket.onAny((event: string, ...args: unknown[]) => {
    // Unknown events are ignored: nothing to validate them against, nothing to answer.
    if (Object.hasOwn(HANDLERS, event)) void dispatch(caller, event as RequestEvent, args);
  });
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
    // A socket in use is its session in use: "last active" follows (written once a minute at most).
    ctx.services.sessions.noteActivity(socket.data.session, socket.data.seen);
    const schema = requestSchemas[event] as unknown as z.ZodType<RequestPayload<E>>;
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      throw new DomainError('bad_request', describeIssues(parsed.error), undefined, fieldOf(parsed.error));
    }
    const handler = HANDLERS[event] as Handler<E>;
    response = { ok: true, ...(await handler(caller, parsed.data)) } as Ack<ResponsePayloads[E]>;
  } catch (error) {
    response = { ok: false, error: errorBody(error, ctx, event) };
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

/** The top-level payload field the first issue is about, if any. */
function fieldOf(error: z.ZodError): string | undefined {
  const first = error.issues[0]?.path[0];
  return typeof first === 'string' ? first : undefined;
}

function errorBody(error: unknown, ctx: HandlerContext, event: string): ErrorBody {
  const { code, message, retryAfterMs, field } = mapError(error, ctx.log, { event });
  return { code, message, ...(retryAfterMs ? { retryAfterMs } : {}), ...(field ? { field } : {}) };
}
