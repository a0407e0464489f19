import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@carechat/protocol';
import { ZodError } from 'zod';

/** An error the client may see: a protocol code, a human message, and its HTTP status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what);
export const forbidden = (why = 'Not allowed') => new AppError('FORBIDDEN', why);
export const unauthenticated = (why = 'Sign in required') => new AppError('UNAUTHENTICATED', why);

/** Names the first bad field, never echoing the value (it may be a patient's message). */
export function validationError(err: ZodError): AppError {
  const issue = err.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'input';
  return new AppError('VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`);
}

// Text PostgreSQL cannot store (a NUL character) can only have come from a client's input.
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);
const DB_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']);

/**
 * Maps any thrown value to what the client is told. Unknown errors become INTERNAL with no
 * detail: their messages can hold SQL or data. `internal` tells the caller to log it.
 */
export function toAppError(err: unknown): { error: AppError; internal: boolean } {
  if (err instanceof AppError) return { error: err, internal: false };
  if (err instanceof ZodError) return { error: validationError(err), internal: false };
  const code = (err as { code?: unknown })?.code;
  const message = (err as { message?: unknown })?.message;
  if (typeof code === 'string' && UNSTORABLE_TEXT.has(code))
    return {
      error: new AppError('VALIDATION_FAILED', 'input: contains a character that cannot be stored (NUL)'),
      internal: false,
    };
  if (
    (typeof code === 'string' && (DB_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code))) ||
    (typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
        message,
      ))
  ) {
    return {
      error: new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly'),
      internal: true,
    };
  }
  return { error: new AppError('INTERNAL', 'Something went wrong on our side'), internal: true };
}
