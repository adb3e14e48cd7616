import { isUniqueViolation } from './errors.js';
import type { Executor } from './executor.js';
import { findRoomBy, insertRoom, roomRow } from './rooms.js';

export const SEEDED_CHANNELS = ['general', 'tech', 'gaming'] as const;
export const DEFAULT_CHANNEL = 'general';

/** Creates the public channels every Parley starts with, once; safe to run on every start. */
export async function seedChannels(db: Executor, now: number): Promise<void> {
  for (const name of SEEDED_CHANNELS) {
    if (await findRoomBy(db, 'name_key', name)) continue;
    await insertRoom(db, roomRow({ kind: 'channel', name, name_key: name, created_at: now })).catch(
      (error: unknown) => {
        // Another node seeding the same database at the same moment got there first.
        if (!isUniqueViolation(error)) throw error;
      },
    );
  }
}
