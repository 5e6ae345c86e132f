/**
 * An error the user can fix: bad arguments, a missing or unreadable target, a broken config file.
 * The CLI prints `message` and `hint` on one line each, never a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
