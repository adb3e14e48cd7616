import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { ReactionsTable } from './schema.js';

/** Queries of reactions: one row per user, emoji and message. */

export type ReactionRow = Selectable<ReactionsTable>;

/** Adds the reaction if absent, removes it if present; returns whether it is now present. */
export async function toggleReaction(
  db: Executor,
  r: { messageId: string; userId: string; emoji: string; at: number },
): Promise<boolean> {
  const removed = await db
    .deleteFrom('reactions')
    .where('message_id', '=', r.messageId)
    .where('user_id', '=', r.userId)
    .where('emoji', '=', r.emoji)
    .executeTakeFirst();
  if (removed.numDeletedRows > 0n) return false;
  await db
    .insertInto('reactions')
    .values({ message_id: r.messageId, user_id: r.userId, emoji: r.emoji, created_at: r.at })
    .execute();
  return true;
}

export async function countDistinctReactions(db: Executor, messageId: string): Promise<number> {
  const row = await db
    .selectFrom('reactions')
    .select((eb) => eb.fn.count<number>('emoji').distinct().as('n'))
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function reactionsOfMessages(db: Executor, messageIds: readonly string[]) {
  if (messageIds.length === 0) return Promise.resolve([] as ReactionRow[]);
  return db.selectFrom('reactions').selectAll().where('message_id', 'in', messageIds).execute();
}
