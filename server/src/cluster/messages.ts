/** The primary hands a connection over with this message type, the socket as its handle. */
export const CONNECTION = 'carechat:connection';

export type ToWorker = { type: typeof CONNECTION; head: string };

export type FromWorker = { type: 'ready' } | { type: 'session-open'; sid: string } | { type: 'session-close'; sid: string };
