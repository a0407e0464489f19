import type { ErrorBody, ErrorCode } from '@carechat/protocol';

/** Failures that never reached the server, or whose answer never came back. */
export type TransportCode = 'NETWORK' | 'TIMEOUT' | 'OFFLINE';

/** An error answer from the server (REST or a socket ack) with its protocol code, or a transport failure. */
export class CareChatError extends Error {
  override readonly name = 'CareChatError';

  constructor(
    readonly code: ErrorCode | TransportCode,
    message: string,
    /** The HTTP status; 0 for a socket ack or a transport failure. */
    readonly status = 0,
  ) {
    super(message);
  }

  static from(error: ErrorBody, status = 0): CareChatError {
    return new CareChatError(error.code, error.message, status);
  }
}
