import type { Executor } from './executor.js';

/** The stored settings, key → JSON text (domain/settings.ts reads them). */
export async function readSettingRows(db: Executor): Promise<Map<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  return new Map(rows.map((row) => [row.key, row.value]));
}

/** Stores these values unless the key already has one: a first start's defaults, on any node. */
export async function insertMissingSettings(
  db: Executor,
  values: Record<string, unknown>,
  at: number,
): Promise<void> {
  const rows = Object.entries(values).map(([key, value]) => ({
    key,
    value: JSON.stringify(value),
    updated_at: at,
    updated_by: null,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function writeSettings(
  db: Executor,
  values: Record<string, unknown>,
  at: number,
  by: string,
): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: by })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at, updated_by: by }),
      )
      .execute();
  }
}
