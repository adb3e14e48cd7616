import type { Report, RequestPayload } from '../../shared/protocol.js';
import type { Refused, Server } from './server.js';
import type { ChatStore } from './store.js';

/**
 * Reports and moderation from the web client: filing a report on a message, the moderators'
 * queue, and handling one. Rights are the server's to decide (domain/permissions.ts); a
 * refusal comes back as a notice, or to the form that asked.
 */
export class ModerationActions {
  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
  ) {}

  async report(messageId: string, reason: string, onRefused?: Refused): Promise<boolean> {
    const done = await this.server.attempt(
      () => this.server.request('message:report', { messageId, reason }),
      onRefused,
    );
    if (done) this.store.notify('Reported. The room’s moderators will have a look.');
    return done !== undefined;
  }

  async reports(status: 'open' | 'all' = 'open'): Promise<Report[]> {
    return (await this.server.attempt(() => this.server.request('reports:list', { status })))?.reports ?? [];
  }

  /** A room's name, topic, description, read-only or archived state (its moderators, staff). */
  async updateRoom(change: RequestPayload<'room:update'>): Promise<boolean> {
    return (await this.server.attempt(() => this.server.request('room:update', change))) !== undefined;
  }

  async resolve(input: RequestPayload<'report:resolve'>): Promise<Report | undefined> {
    return (await this.server.attempt(() => this.server.request('report:resolve', input)))?.report;
  }
}
