import { NotFoundError, SolverError, ValidationError } from '../model/index.js';

/**
 * The API's one error shape (docs/api.md, "Errors"): every 4xx/5xx answers
 * `{"error":{"code","message","field"?,"issues"?}}` with a stable snake_case code. Errors from the
 * model and services are mapped here and only here.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'queue_full',
  'unsupported_media_type',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiIssue {
  file?: string;
  row?: number;
  column?: string;
  field?: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; issues?: ApiIssue[] };
}

/** An error a route throws on purpose: the status, code and (optionally) the offending field. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, field?: string) =>
  new ApiError(400, 'bad_request', message, field);

/** A request that broke its route's schema: the part (body, query, params) and the path in it. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly statusCode = 400;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'bad_request',
  406: 'bad_request',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
};

/** The status and body a thrown value answers with. Anything unexpected is 500 `internal`. */
export function toErrorResponse(e: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  const out = (status: number, code: ErrorCode, message: string, field?: string, issues?: ApiIssue[]) => ({
    status,
    body: {
      error: { code, message, ...(field ? { field } : {}), ...(issues?.length ? { issues } : {}) },
    },
    unexpected: status >= 500,
  });
  if (e instanceof ApiError) return out(e.statusCode, e.code, e.message, e.field, e.issues);
  if (e instanceof SchemaError) return out(400, 'validation_failed', e.message, e.field);
  if (e instanceof ValidationError) {
    const issues = e.issues.map((i) => ({ ...i }));
    const first = e.issues[0];
    return out(422, 'validation_failed', e.message, first?.column ? `/${first.column}` : undefined, issues);
  }
  if (e instanceof NotFoundError) return out(404, 'not_found', e.message);
  if (e instanceof SolverError) return out(500, 'internal', `solver: ${e.message}`);
  // by name: the CLI's UsageError and the store's ForbiddenError/ConflictError (src/model/org-errors.ts)
  const name = e && typeof e === 'object' && 'name' in e ? e.name : undefined;
  if (name === 'UsageError') return out(400, 'bad_request', (e as Error).message);
  if (name === 'ForbiddenError') return out(403, 'forbidden', (e as Error).message);
  if (name === 'ConflictError') {
    const field = (e as { field?: unknown }).field;
    return out(409, 'conflict', (e as Error).message, typeof field === 'string' ? `/${field}` : undefined);
  }
  const err = e as { statusCode?: unknown; code?: unknown; message?: unknown; validation?: unknown };
  const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const fst = typeof err.code === 'string' ? err.code : '';
    const message = typeof err.message === 'string' ? err.message : 'bad request';
    if (fst === 'FST_ERR_CTP_INVALID_JSON_BODY' || fst === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return out(400, 'bad_request', `the body is not valid JSON: ${message}`);
    if (err.validation) return out(400, 'validation_failed', message);
    return out(status, STATUS_CODE[status] ?? 'bad_request', message);
  }
  return out(500, 'internal', 'internal error; the server log has the details');
}
