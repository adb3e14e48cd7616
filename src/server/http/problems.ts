import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../shared/protocol.js';
import { DomainError } from '../domain/errors.js';
import { mapError } from '../error-mapper.js';

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

/** How long an HTTP client is told to wait after a 503 that names no time of its own. */
export const UNAVAILABLE_RETRY_MS = 2_000;

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
    let status: number;
    let field: string | undefined;
    if (!(error instanceof DomainError) && 'validation' in error && error.validation) {
      code = 'bad_request';
      detail = error.message;
      status = error.statusCode ?? STATUS_BY_CODE[code];
      field = validatedField(error.validation);
    } else if (!(error instanceof DomainError) && error.statusCode && error.statusCode < 500) {
      // Fastify's own refusals (body too large, bad JSON, unsupported media type).
      code = CODE_BY_STATUS.get(error.statusCode) ?? 'bad_request';
      detail = error.message;
      status = error.statusCode;
    } else {
      const mapped = mapError(error, request.log as Logger, { route: request.routeOptions.url });
      code = mapped.code;
      detail = mapped.message;
      field = mapped.field;
      status = STATUS_BY_CODE[code];
      // A 503 always says when to come back (RFC 9110 §10.2.3): a database that is away, a
      // node shutting down or a failed write are all worth a retry shortly.
      const retryAfterMs = mapped.retryAfterMs ?? (code === 'unavailable' ? UNAVAILABLE_RETRY_MS : undefined);
      if (retryAfterMs) reply.header('retry-after', Math.ceil(retryAfterMs / 1000));
    }
    reply
      .status(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: code.replace('_', ' '),
        status,
        code,
        detail,
        ...(field ? { field } : {}),
      });
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

/** The top-level field a schema refusal is about: `/username` → `username`. */
function validatedField(validation: ReadonlyArray<{ instancePath?: string }>): string | undefined {
  const first = validation[0]?.instancePath?.split('/')[1];
  return first ? first : undefined;
}
