import type { Logger } from 'pino';
import type { ErrorCode } from '../shared/protocol.js';
import { DomainError } from './domain/errors.js';
import { isStorageUnavailable } from './store/errors.js';
import { BatchFailedError, WriteQueueClosedError } from './store/write-queue.js';

export interface MappedError {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number | undefined;
  field?: string | undefined;
}

/**
 * The one place that decides what a failure looks like to a client, for socket acks and HTTP
 * problem responses alike. Refusals (DomainError) keep their code and message; a database that
 * is away, full or restarting is `unavailable` (try again); anything else is a bug: logged with
 * its stack, answered `internal` with a message that gives nothing away.
 */
export function mapError(error: unknown, log: Logger, context: Record<string, unknown> = {}): MappedError {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs, field: error.field };
  }
  if (error instanceof WriteQueueClosedError) {
    return { code: 'unavailable', message: 'the server is shutting down, try again shortly' };
  }
  if (error instanceof BatchFailedError) {
    log.error({ err: error.cause, ...context }, 'write batch failed');
    return { code: 'unavailable', message: 'the server could not store that, try again' };
  }
  if (isStorageUnavailable(error)) {
    log.warn({ err: error, ...context }, 'database unavailable');
    return { code: 'unavailable', message: 'the database is not answering, try again shortly' };
  }
  log.error({ err: error, ...context }, 'request failed');
  return { code: 'internal', message: 'something went wrong on our side' };
}
