import type { Socket } from 'node:net';
import type { App } from '../app.js';
import { CONNECTION, type FromWorker, type ToWorker } from './messages.js';

const tell = (m: FromWorker) => process.send?.(m);

/**
 * A worker under WORKERS=N listens on no port: it serves the connections the primary hands
 * it, replaying the first chunk the primary read, and tells the primary which Socket.IO
 * sessions it holds so their long-polling requests come back here.
 */
export async function serveFromPrimary(app: App): Promise<void> {
  await app.http.ready();
  app.io.engine.on('connection', (raw: { id: string; once(event: 'close', fn: () => void): void }) => {
    tell({ type: 'session-open', sid: raw.id });
    raw.once('close', () => tell({ type: 'session-close', sid: raw.id }));
  });
  process.on('message', (m: ToWorker, handle: unknown) => {
    if (m?.type !== CONNECTION || !handle) return;
    const socket = handle as Socket;
    app.http.server.emit('connection', socket);
    socket.emit('data', Buffer.from(m.head, 'base64'));
    socket.resume();
  });
  tell({ type: 'ready' });
}
