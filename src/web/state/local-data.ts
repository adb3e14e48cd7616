/**
 * What the client keeps of one user in the browser's storage: the outbox, the drafts and the
 * recent searches. The keys carry the user's id, so two people sharing a browser never see
 * each other's; signing out removes them, so the next person at a shared computer finds
 * nothing of the last one's.
 */
export const outboxKey = (userId: string) => `parley:outbox:${userId}`;
export const draftsKey = (userId: string) => `parley:drafts:${userId}`;
export const recentSearchesKey = (userId: string) => `parley:searches:${userId}`;

export function forgetUserData(storage: Pick<Storage, 'removeItem'>, userId: string): void {
  for (const key of [outboxKey(userId), draftsKey(userId), recentSearchesKey(userId)]) {
    try {
      storage.removeItem(key);
    } catch {
      // Storage disabled: there was nothing stored either.
    }
  }
}
