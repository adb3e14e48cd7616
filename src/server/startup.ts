/**
 * A dependency the node cannot start without (the database, Redis) did not answer. Its message
 * names the setting, where it points and why, so the operator knows what to fix; main.ts prints
 * it without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** A connection URL fit for logs and messages: the user name stays, the password never does. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    const shown = parsed.toString().replace(/\/$/, '');
    // `redis://:secret@host` becomes `redis://@host` once the password is dropped.
    return shown.replace('//@', '//');
  } catch {
    return '(unparseable URL)';
  }
}

/** The shortest useful reason: a system error code (ECONNREFUSED…), else the message. */
export function failureReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  // Connecting to a name with several addresses fails with one error per address.
  if (Array.isArray(errors) && errors.length > 0) return failureReason(errors[0]);
  return typeof message === 'string' && message ? message : String(error);
}

/** Wraps a start-up step so that its failure names the setting behind it. */
export async function startingWith<T>(what: string, setting: string, url: string, step: () => Promise<T>) {
  try {
    return await step();
  } catch (error) {
    throw new StartupError(
      `cannot reach ${what} at ${setting} (${describeUrl(url)}): ${failureReason(error)}`,
      {
        cause: error,
      },
    );
  }
}
