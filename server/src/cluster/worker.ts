import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { App } from '../app.js';
import { CONNECTION, sessionIdFor, type FromWorker, type ToWorker } from './messages.js';

const tell = (m: FromWorker) => process.send?.(m);

/**
 * A worker under WORKERS=N listens on no port: it serves the connections the primary hands
 * it, replaying the first chunk the primary read. Its session ids carry its cluster id, so
 * their long-polling requests come back here; it counts its sessions to the primary, which
 * gives new connections to the least loaded worker.
 */
export async function serveFromPrimary(app: App): Promise<void> {
  await app.http.ready();
  // Node starts enforcing the header and request time-outs when its server starts listening,
  // which a worker's never does: it is handed connections.
  app.http.server.emit('listening');
  if (!cluster.worker) throw new Error('serveFromPrimary: not a cluster worker');
  const workerId = cluster.worker.id;
  app.io.engine.generateId = () => sessionIdFor(workerId, randomBytes(15).toString('base64url'));
  app.io.engine.on('connection', (raw: { once(event: 'close', fn: () => void): void }) => {
    tell({ type: 'session-open' });
    raw.once('close', () => tell({ type: 'session-close' }));
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
