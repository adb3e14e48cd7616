/** True for a UNIQUE or PRIMARY KEY violation on either SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when storage ran out: a full disk or quota, a file-size limit (ENOSPC, EDQUOT, EFBIG),
 * SQLite's or PostgreSQL's "disk full" — also when it is the cause of a failed write batch.
 */
export function isOutOfSpace(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      code === 'ENOSPC' ||
      code === 'EDQUOT' ||
      code === 'EFBIG' ||
      code === 'SQLITE_FULL' ||
      code === '53100'
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
