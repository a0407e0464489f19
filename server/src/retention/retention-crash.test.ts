import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startTestApp, uniqueId } from '../test/app.js';
import { createPair } from '../test/factories.js';
import { RETENTION_LOCK } from './retention.service.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';

// Retention deletes across the whole database, so this file has one of its own.
let own: { url: string; drop(): Promise<void> };
let server: ServerProcess | undefined;
beforeAll(async () => {
  own = await freshDatabase();
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await own?.drop();
});

describe('retention across a crash', () => {
  it('resumes after the server is killed mid-run: everything due goes, nothing else', async () => {
    const app = await startTestApp({ DATABASE_URL: own.url });
    const { patient, conversation } = await createPair(app);
    // 1,000 messages past retention and 50 recent ones, written directly (bodies are not read here).
    await app.db.query(
      `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, created_at)
       SELECT gen_random_uuid(), $1, n, n, $2, $3 || n,
              now() - make_interval(days => CASE WHEN n <= 1000 THEN 400 ELSE 1 END)
         FROM generate_series(1, 1050) AS n`,
      [conversation.id, patient.id, uniqueId('seed')],
    );
    const due = async () =>
      (
        await app.db.query(
          `SELECT count(*)::int AS n FROM messages
            WHERE conversation_id = $1 AND created_at < now() - interval '365 days'`,
          [conversation.id],
        )
      ).rows[0].n;
    const recent = async () =>
      (
        await app.db.query(
          `SELECT count(*)::int AS n FROM messages
            WHERE conversation_id = $1 AND created_at > now() - interval '2 days'`,
          [conversation.id],
        )
      ).rows[0].n;

    // A server whose first retention run starts at once, ten messages per batch.
    server = await spawnServer({ DATABASE_URL: own.url, RETENTION_FIRST_RUN_SECONDS: '0', RETENTION_BATCH: '10' });
    while ((await due()) === 1000) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    await server.exited;
    // PostgreSQL ends the dead server's session, and frees the retention lock it held, only
    // once it notices the connection closed: a run started before that finds the lock taken
    // and does nothing (a CI run failed so). Wait for the lock as the next run would take it.
    const lockHolders = async () =>
      (
        await app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND objid = $1 AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [RETENTION_LOCK],
        )
      ).rows[0]!.n;
    await expect.poll(lockHolders, { timeout: 10_000 }).toBe(0);
    const left = await due();
    expect(left).toBeLessThan(1000);
    expect(left).toBeGreaterThan(0); // the kill landed in the middle of the run
    expect(left % 10).toBe(0); // whole batches only: a batch commits entirely or not at all

    const run = await app.app.jobs.runRetention();
    expect(run.messagesDeleted).toBe(left);
    expect(await due()).toBe(0);
    expect(await recent()).toBe(50);
    await app.close();
  }, 60_000);
});
