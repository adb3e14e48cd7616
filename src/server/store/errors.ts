/** True for a UNIQUE or PRIMARY KEY violation on either SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// Connection-level failures from the operating system: the database host is down, refused,
// reset or unreachable, or its disk is full.
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  'EDQUOT',
  'EFBIG',
]);

// PostgreSQL SQLSTATEs meaning "not now" rather than "wrong query": class 08 (connection
// exception), 53 (insufficient resources: disk full, out of memory, too many connections),
// 57P01–57P03 (the server is shutting down, crashed or still starting), 40001/40P01
// (serialisation failure, deadlock: try again).
const POSTGRES_TRANSIENT = /^(08|53)|^57P0[123]$|^40001$|^40P01$/;

// node-postgres reports a dropped connection with plain Errors that carry no code.
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

// SQLite: the file's disk is full or failing, or another process holds the lock too long.
const SQLITE_TRANSIENT = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL)/;

/**
 * True when the database could not answer at all — it is down, unreachable, restarting, out
 * of disk — as opposed to a bug or a refused query. Such failures are answered `unavailable`
 * (try again) instead of `internal`.
 */
export function isStorageUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message, errors, cause } = current as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (SYSTEM_CODES.has(code) || POSTGRES_TRANSIENT.test(code) || SQLITE_TRANSIENT.test(code)) return true;
    }
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
    // Node reports a failed connection to a name with several addresses as an AggregateError.
    if (Array.isArray(errors) && errors.some((inner) => isStorageUnavailable(inner))) return true;
    current = cause;
  }
  return false;
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
