import { formatIssue, NotFoundError, SolverError, ValidationError } from '../model/index.js';

/** A mistake in how the command was called (bad option value): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Maps an error to the message and exit code a user sees: no stack trace for a user's mistake. */
export function describeError(e: unknown): { message: string; code: number } {
  if (e instanceof ValidationError) {
    const lines = e.issues.map((i) => `  ${formatIssue(i)}`);
    const head =
      e.issues.length === 1
        ? 'error: invalid input'
        : `error: ${e.issues.length}${e.truncated ? '+' : ''} problems in the input`;
    return {
      message: `${head}\n${lines.join('\n')}${e.outcome ? `\n${e.outcome}` : ''}`,
      code: 1,
    };
  }
  if (e instanceof NotFoundError) return { message: `error: ${e.message}`, code: 1 };
  if (e instanceof UsageError) return { message: `error: ${e.message}`, code: 2 };
  if (e instanceof SolverError) return { message: `error: solver: ${e.message}`, code: 1 };
  const err = e as NodeJS.ErrnoException;
  if (err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
    return { message: `error: ${err.message}`, code: 1 };
  }
  if (err && err.code === 'SQLITE_CANTOPEN')
    return { message: `error: cannot open the database: ${err.message}`, code: 1 };
  if (err && (err.code === 'ECONNREFUSED' || err.code === '28P01' || err.code === '3D000')) {
    return { message: `error: cannot connect to PostgreSQL: ${err.message}`, code: 1 };
  }
  return {
    message: `internal error: ${err?.stack ?? String(e)}\nplease report this with the command you ran.`,
    code: 70,
  };
}
