/**
 * Errors of accounts and organisation data, beside ValidationError and NotFoundError (errors.ts).
 * The HTTP layer maps ForbiddenError → 403 forbidden and ConflictError → 409 conflict. A request
 * for another organisation's row is a NotFoundError (404), never a ForbiddenError: the answer must
 * not reveal that the row exists.
 */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  constructor(
    /** what was attempted, e.g. "add users" */
    readonly action: string,
    /** the role that would be needed */
    readonly needs: string,
  ) {
    super(`forbidden: only ${needs} may ${action}`);
  }
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    /** the field at fault, e.g. "email" */
    readonly field?: string,
  ) {
    super(message);
  }
}
