import cluster from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { runPrimary } from './cluster/primary.js';
import { serveFromPrimary } from './cluster/worker.js';
import { Keyring } from './crypto/keyring.js';
import { loadMasterKeys } from './crypto/master-key.js';
import { openDatabase } from './db/bootstrap.js';
import { takeOverSignals } from './db/embedded.js';
import { seedDemo } from './demo/seed.js';
import { createLogger, type Logger } from './logger.js';
import { startupFailureSentence } from './startup-error.js';

/** What start-up has got so far, for saying why it failed. */
const started: { config?: Config; log?: Logger } = {};

/**
 * Any start-up failure, awaited or not (an 'error' event nothing listens to, a rejection
 * nothing awaits), ends the process with one sentence saying what to do; the detail goes to
 * the log at debug level. Exiting stops the embedded PostgreSQL (see embedded.ts).
 */
function failStart(err: unknown): never {
  started.log?.debug({ err }, 'start-up failed');
  process.stderr.write(`${startupFailureSentence(err, started.config)}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = (started.config = loadConfig());
  const log = (started.log = createLogger(config.logLevel));
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, log);
  const { db, sendDb, embedded } = await openDatabase(config, log);
  const masterKeys = await loadMasterKeys(config, log);
  const keyring = new Keyring(masterKeys.keys, masterKeys.currentVersion);
  await keyring.verify(db);
  await seedDemo(db, config, log);

  const app = await createApp({ config, db, sendDb, log, keyring, clock: systemClock });
  if (cluster.isWorker) await serveFromPrimary(app);
  else {
    // A deep accept queue: thousands of devices reconnect at once after a deploy or a blip.
    await app.http.listen({ port: config.port, host: config.host, backlog: 4096 });
    log.info({ url: `http://localhost:${config.port}` }, 'CareChat is ready');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 10_000);
    force.unref();
    try {
      await app.close();
      await db.end();
      await sendDb.end();
      await embedded?.stop();
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'error during shutdown');
    }
    process.exit(0);
  };
  takeOverSignals((signal) => void shutdown(signal));
}

process.on('uncaughtException', failStart);
process.on('unhandledRejection', failStart);
main().then(() => {
  // Up: from here on a failure is the running server's, not the start's.
  process.off('uncaughtException', failStart);
  process.off('unhandledRejection', failStart);
}, failStart);
