import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import type { Config } from '../config.js';
import { loadMasterKeys } from '../crypto/master-key.js';
import { openDatabase } from '../db/bootstrap.js';
import { takeOverSignals } from '../db/embedded.js';
import { seedDemo } from '../demo/seed.js';
import type { Logger } from '../logger.js';
import { CONNECTION, SESSION_WORKER, type FromWorker } from './messages.js';

/**
 * WORKERS=N: this process owns PORT and hands each TCP connection to a worker process. A
 * connection whose first request names a Socket.IO session goes to the worker named in the
 * session id (long polling needs it); any other goes to the worker with the fewest sessions.
 * The first chunk is read here and passed on with the connection; the rest is never read
 * here, so uploads stream straight to the worker. Workers share fan-out through Redis.
 */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  // Once, before the workers start: the embedded database, migrations, the generated master
  // key and demo data. Workers connect to the same database by URL.
  const { db, sendDb, embedded } = await openDatabase(config, log);
  await loadMasterKeys(config, log);
  await seedDemo(db, config, log);
  await db.end();
  await sendDb.end();
  const env = { CARECHAT_WORKER: '1', DATABASE_URL: embedded?.url ?? config.databaseUrl, DEMO_SEED: 'false' };

  const load = new Map<number, number>();
  let stopping = false;
  let turn = 0;

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(env);
      load.set(worker.id, 0);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve(worker);
        else if (m.type === 'session-open') load.set(worker.id, (load.get(worker.id) ?? 0) + 1);
        else if (m.type === 'session-close') load.set(worker.id, Math.max(0, (load.get(worker.id) ?? 1) - 1));
      });
      worker.once('exit', (code, signal) => {
        load.delete(worker.id);
        reject(new Error(`worker exited during start (${signal ?? code})`));
        if (stopping) return;
        log.error({ worker: worker.id, code, signal }, 'worker exited; starting another');
        setTimeout(
          () =>
            void fork().catch((err: unknown) =>
              log.error({ err: { message: (err as Error).message } }, 'worker restart failed'),
            ),
          1000,
        );
      });
    });
  await Promise.all(Array.from({ length: config.workers }, fork));

  const pick = (head: Buffer): Worker | undefined => {
    const owner = SESSION_WORKER.exec(head.toString('latin1', 0, Math.min(head.length, 2048)))?.[1];
    const holder = owner === undefined ? undefined : cluster.workers?.[Number(owner)];
    if (holder && load.has(holder.id)) return holder;
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && load.has(w.id));
    if (live.length === 0) return undefined;
    const least = Math.min(...live.map((w) => load.get(w.id) ?? 0));
    const candidates = live.filter((w) => (load.get(w.id) ?? 0) === least);
    return candidates[turn++ % candidates.length];
  };

  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    // A connection that sends nothing would otherwise be held here for ever, before any
    // worker's time-outs apply.
    socket.setTimeout(config.http.headersTimeoutMs, () => socket.destroy());
    socket.once('data', (head: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      const worker = pick(head);
      if (!worker) return socket.destroy();
      worker.send({ type: CONNECTION, head: head.toString('base64') }, socket, (err: Error | null) => {
        if (err) socket.destroy();
      });
    });
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen({ port: config.port, host: config.host, backlog: 4096 }, resolve));
  log.info({ url: `http://localhost:${config.port}`, workers: config.workers }, 'CareChat is ready');

  takeOverSignals((signal) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down workers');
    server.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 15_000);
    force.unref();
    void Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    )
      .then(() => embedded?.stop())
      .catch((err: unknown) => log.error({ err: { message: (err as Error).message } }, 'error during shutdown'))
      .finally(() => process.exit(0));
  });
}
