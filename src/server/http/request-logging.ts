import { LogController } from 'fastify';

/**
 * Fastify's per-request lines ("incoming request", "request completed", unknown routes) at
 * `debug` instead of `info`: at the default level `npm start` should show what the server does
 * (start, stop, warnings, failures), not two lines for every asset and API call. Requests that
 * fail still log at `error`, and everything else Fastify logs keeps its level.
 */
export class DebugRequestLogController extends LogController {
  override incomingRequest(...[request]: Parameters<LogController['incomingRequest']>): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(...[error, request, reply]: Parameters<LogController['requestCompleted']>): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    } else {
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }

  override routeNotFound(...[request]: Parameters<LogController['routeNotFound']>): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug(`Route ${request.raw.method}:${request.raw.url} not found`);
  }
}
