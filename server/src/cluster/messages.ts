/** The primary hands a connection over with this message type, the socket as its handle. */
export const CONNECTION = 'carechat:connection';

export type ToWorker = { type: typeof CONNECTION; head: string };

export type FromWorker = { type: 'ready' } | { type: 'session-open' } | { type: 'session-close' };

/**
 * A worker's Engine.IO session ids start with its cluster id, so the primary routes a
 * long-polling request by reading the id alone. A table filled by messages from the workers
 * raced the client: Engine.IO writes the handshake response before it announces the session,
 * and the client's next request could reach the primary before the announcement did.
 */
export const sessionIdFor = (workerId: number, random: string): string => `w${workerId}_${random}`;
export const SESSION_WORKER = /[?&]sid=w(\d+)_[\w-]+/;
