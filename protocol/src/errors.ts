/** Every error code the API and socket acks can answer with, and the HTTP status it maps to. */
export const ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NO_APPOINTMENT: 403,
  USER_BLOCKED: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  EDIT_WINDOW_EXPIRED: 409,
  CONFLICT: 409,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_FILE_TYPE: 415,
  FILE_INFECTED: 422,
  SCAN_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  // Extensions to the v1 table: a second factor, and server faults the protocol leaves unnamed.
  MFA_REQUIRED: 401,
  /** Signed in with a password, but the role must set up two-factor sign-in before anything else. */
  MFA_ENROLLMENT_REQUIRED: 403,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** The body of every HTTP error response. */
export interface ErrorResponse {
  error: ErrorBody;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
