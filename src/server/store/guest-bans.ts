import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import { timeOrderedId } from './ids.js';
import type { GuestBansTable } from './schema.js';

/** Queries of server-wide guest bans, by name skeleton or address bucket. */

export type GuestBanRow = Selectable<GuestBansTable>;

/** Adds a ban; one that exists already stays as it was (its first reason and time). */
export async function insertGuestBan(
  db: Executor,
  ban: {
    kind: 'name' | 'address';
    value: string;
    label: string;
    reason: string | null;
    by: string;
    at: number;
  },
): Promise<void> {
  await db
    .insertInto('guest_bans')
    .values({
      id: timeOrderedId(ban.at),
      kind: ban.kind,
      value: ban.value,
      label: ban.label,
      reason: ban.reason,
      created_by: ban.by,
      created_at: ban.at,
    })
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .execute();
}

/** The ban that keeps this name or address out, if any. */
export function findGuestBan(db: Executor, nameSkeleton: string, addressBucket: string) {
  return db
    .selectFrom('guest_bans')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'name'), eb('value', '=', nameSkeleton)]),
        eb.and([eb('kind', '=', 'address'), eb('value', '=', addressBucket)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
}

export function listGuestBans(db: Executor) {
  return db.selectFrom('guest_bans').selectAll().orderBy('id', 'desc').limit(500).execute();
}

export async function deleteGuestBan(db: Executor, id: string): Promise<GuestBanRow | undefined> {
  const row = await db.selectFrom('guest_bans').selectAll().where('id', '=', id).executeTakeFirst();
  if (row) await db.deleteFrom('guest_bans').where('id', '=', id).execute();
  return row;
}
