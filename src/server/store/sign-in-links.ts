import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { SignInLinksTable } from './schema.js';

/** Queries of one-time sign-in links. A link is found by the SHA-256 of its token, never the token. */

export type SignInLinkRow = Selectable<SignInLinksTable>;

export async function insertSignInLink(db: Executor, link: SignInLinkRow): Promise<void> {
  await db.insertInto('sign_in_links').values(link).execute();
}

export function findSignInLink(db: Executor, tokenHash: string) {
  return db.selectFrom('sign_in_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks the link used, if it still may be: unused and not expired. True when this call used it,
 * so two requests racing with one link cannot both get in.
 */
export async function useSignInLink(db: Executor, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('sign_in_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
