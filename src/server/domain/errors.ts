import type { ErrorCode } from '../../shared/protocol.js';

/**
 * An expected failure with a code that clients can act on. Transports turn it into an error
 * ack or an HTTP problem response; anything that is not a DomainError is an internal error
 * and its message is never shown to clients.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    /** The request field the refusal is about, when it is about one (a form shows it there). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string, field?: string) =>
  new DomainError('bad_request', message, undefined, field);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const notFound = (message: string) => new DomainError('not_found', message);
export const conflict = (message: string, field?: string) =>
  new DomainError('conflict', message, undefined, field);
