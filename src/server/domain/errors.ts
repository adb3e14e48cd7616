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
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string) => new DomainError('bad_request', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const notFound = (message: string) => new DomainError('not_found', message);
export const conflict = (message: string) => new DomainError('conflict', message);
