import type { Report, RequestPayload } from '../../shared/protocol.js';
import { badRequest, conflict, notFound } from '../domain/errors.js';
import { isStaff, moderates } from '../domain/permissions.js';
import { enforce } from '../domain/rate-limit.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import { findMessage, messagesAfter, messagesBefore } from '../store/messages.js';
import {
  findReport,
  insertReport,
  listReportsFor,
  markReportHandled,
  type ReportRow,
  reopenReport,
} from '../store/reports.js';
import { findRoom, toRoomRecord } from '../store/rooms.js';
import { findUserById } from '../store/users.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import type { MessageDelete } from './message-delete.js';
import { actorOf, placeIn } from './rights.js';
import type { RoomModeration } from './room-moderation.js';
import { messageForMember } from './room-writes.js';
import { loadMessages } from './views/messages.js';

/** Messages shown on each side of a reported one. */
const CONTEXT = 2;
const RESOLUTIONS = { dismiss: 'dismissed', delete: 'deleted', mute: 'muted', ban: 'banned' } as const;
const QUEUE_MAX = 200;

/**
 * Reports of messages: any member files one with a reason; whoever moderates the room — its
 * owner and moderators, and in channels the server's staff — sees it in their queue with the
 * message in context, and handles it (dismiss, delete, mute, ban); the reporter is told.
 * A private group's reports go to its own moderators only: staff do not read private rooms.
 */
export class Reports {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly moderation: RoomModeration,
    private readonly deletion: MessageDelete,
  ) {}

  async report(userId: string, messageId: string, reason: string): Promise<Outcome<{ reportId: string }>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'action', userId);
    return writes.run(async (trx) => {
      const { row } = await messageForMember(trx, messageId, userId);
      if (row.deleted_at !== null || row.kind !== 'user') throw notFound('message not found');
      if (row.author_id === userId) throw badRequest('that is your own message: delete or edit it instead');
      const filed = await insertReport(trx, {
        messageId,
        roomId: row.room_id,
        reporterId: userId,
        reason,
        at: now(),
      });
      return outcome({ reportId: filed.id });
    });
  }

  /** The reports this user may handle, oldest first; `all` includes the handled ones. */
  async list(userId: string, status: 'open' | 'all' = 'open'): Promise<Report[]> {
    await enforceRead(this.deps.limiter, userId);
    const { db } = this.deps;
    const actor = await actorOf(db, userId);
    if (actor.deactivated) return [];
    const rows = await listReportsFor(db, { userId, staff: isStaff(actor.role) }, status, QUEUE_MAX);
    return Promise.all(rows.map((row) => presentReport(db, row)));
  }

  async resolve(
    userId: string,
    input: RequestPayload<'report:resolve'>,
  ): Promise<Outcome<{ report: Report }>> {
    const { db, writes, now } = this.deps;
    const row = await findReport(db, input.reportId);
    if (!row || !(await this.handles(db, userId, row.room_id))) throw notFound('report not found');
    if (row.status !== 'open') throw conflict('that report was already handled');
    const message = await findMessage(db, row.message_id);
    const authorId = message?.author_id;
    const resolution = RESOLUTIONS[input.action];
    const status = input.action === 'dismiss' ? 'dismissed' : 'actioned';
    // Claimed first, in one conditional write: of two moderators handling it at once, one
    // acts; the other is told it was handled.
    const claimed = await writes.run((trx) =>
      markReportHandled(trx, row.id, { by: userId, at: now(), status, resolution }),
    );
    if (!claimed) throw conflict('that report was already handled');
    try {
      await this.act(userId, input, row, message, authorId);
    } catch (error) {
      await writes.run((trx) => reopenReport(trx, row.id));
      throw error;
    }
    return writes.run(async (trx) => {
      await insertAudit(trx, {
        at: now(),
        actorId: userId,
        action: 'report.resolve',
        roomId: row.room_id,
        targetUserId: authorId ?? null,
        detail: { reportId: row.id, messageId: row.message_id, resolution },
      });
      const handled = (await findReport(trx, row.id))!;
      return outcome({ report: await presentReport(trx, handled) }, [
        {
          kind: 'report-handled',
          userId: row.reporter_id,
          event: { reportId: row.id, messageId: row.message_id, resolution },
        },
      ]);
    });
  }

  /** What the handler asked for, with the rights and rules of doing it directly. */
  private async act(
    userId: string,
    input: RequestPayload<'report:resolve'>,
    row: ReportRow,
    message: Awaited<ReturnType<typeof findMessage>>,
    authorId: string | null | undefined,
  ): Promise<void> {
    const { db } = this.deps;
    switch (input.action) {
      case 'dismiss':
        return;
      case 'delete': {
        const actor = await findUserById(db, userId);
        if (actor && message && message.deleted_at === null)
          await this.deletion.delete(presentUser(actor), row.message_id);
        return;
      }
      case 'mute':
        if (!authorId) throw notFound('the message has no author to mute');
        await this.moderation.mute(userId, row.room_id, authorId, input.minutes!);
        return;
      case 'ban':
        if (!authorId) throw notFound('the message has no author to ban');
        await this.moderation.ban(userId, row.room_id, authorId, `reported: ${row.reason}`);
        return;
    }
  }

  /** Whether the user moderates the report's room (the permission table's `moderates`). */
  private async handles(db: Executor, userId: string, roomId: string): Promise<boolean> {
    const room = await findRoom(db, roomId);
    if (!room) return false;
    const actor = await actorOf(db, userId);
    return !actor.deactivated && moderates(actor, await placeIn(db, toRoomRecord(room), userId));
  }
}

async function presentReport(db: Executor, row: ReportRow): Promise<Report> {
  const room = await findRoom(db, row.room_id);
  const target = await findMessage(db, row.message_id);
  const reporter = await findUserById(db, row.reporter_id);
  const around = target
    ? [
        ...(await messagesBefore(db, row.room_id, target.seq, CONTEXT)).reverse(),
        target,
        ...(await messagesAfter(db, row.room_id, target.seq, CONTEXT)),
      ].filter((m) => m.deleted_at === null || m.id === target.id)
    : [];
  const context = await loadMessages(db, around);
  const message = context.find((m) => m.id === row.message_id && m.deletedAt === null) ?? null;
  return {
    id: row.id,
    reason: row.reason,
    createdAt: row.created_at,
    status: row.status,
    resolution: row.resolution,
    reporter: reporter ? presentUser(reporter) : null,
    room: { id: row.room_id, kind: room?.kind ?? 'channel', name: room?.name ?? null },
    message,
    context: context.filter((m) => m.deletedAt === null),
  };
}
