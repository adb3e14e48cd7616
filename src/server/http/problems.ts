import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorCode } from '../../shared/protocol.js';
import { DomainError } from '../domain/errors.js';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as ErrorCode]),
);

/**
 * Every failed request gets an RFC 9457 problem document: `code` is the same machine-readable
 * code socket acks use, `detail` a sentence for people. Internal errors are logged with their
 * stack and answered with a generic message.
 */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    let code: ErrorCode;
    let detail: string;
    if (error instanceof DomainError) {
      code = error.code;
      detail = error.message;
      if (error.retryAfterMs) reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
    } else if ('validation' in error && error.validation) {
      code = 'bad_request';
      detail = error.message;
    } else if (error.statusCode && error.statusCode < 500) {
      code = CODE_BY_STATUS.get(error.statusCode) ?? 'bad_request';
      detail = error.message;
    } else {
      request.log.error({ err: error }, 'request failed');
      code = 'internal';
      detail = 'something went wrong on our side';
    }
    const status =
      error instanceof DomainError ? STATUS_BY_CODE[code] : (error.statusCode ?? STATUS_BY_CODE[code]);
    reply
      .status(status)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: code.replace('_', ' '), status, code, detail });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'not found',
        status: 404,
        code: 'not_found',
        detail: `no route for ${request.method} ${request.url.split('?')[0]}`,
      });
  });
}
