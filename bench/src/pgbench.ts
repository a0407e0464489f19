import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Pair } from './load/provision.js';
import { must } from './must.js';

const run = promisify(execFile);

function findPgbench(): string | null {
  const candidates = [
    process.env.PGBENCH,
    '/usr/lib/postgresql/15/bin/pgbench',
    '/usr/bin/pgbench',
    '/usr/local/bin/pgbench',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

/**
 * A send's writes alone, without its checks (one statement: bump the conversation's seq and
 * rev, insert, update the members; messages.store.ts `sendMessages` writes the same rows),
 * from `clients` pgbench clients, each on a conversation of its own: the floor under a send.
 */
function sendScript(pairs: Pair[]): string {
  const ids = pairs.map((p) => p.conversationId).join(',');
  const body = 'ab'.repeat(60); // 60 bytes, about an iv, a tag and a short text
  return `WITH c AS (
  UPDATE conversations
     SET last_seq = last_seq + 1, last_rev = last_rev + 1, last_message_at = now(), activity_at = now()
   WHERE id = ('{${ids}}'::uuid[])[:client_id % ${pairs.length} + 1] RETURNING id, patient_id, last_seq, last_rev),
ins AS (
  INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, body, reply_to_id)
  SELECT gen_random_uuid(), c.id, c.last_seq, c.last_rev, c.patient_id, 'pgbench-' || gen_random_uuid(),
         decode('${body}', 'hex'), NULL
    FROM c
  RETURNING conversation_id, seq, rev, sender_id, created_at),
members AS (
  UPDATE conversation_members cm
     SET last_read_seq = CASE WHEN cm.user_id = ins.sender_id
                              THEN GREATEST(cm.last_read_seq, ins.seq) ELSE cm.last_read_seq END,
         last_delivered_seq = CASE WHEN cm.user_id = ins.sender_id
                                   THEN GREATEST(cm.last_delivered_seq, ins.seq) ELSE cm.last_delivered_seq END,
         archived = false
    FROM ins WHERE cm.conversation_id = ins.conversation_id)
SELECT seq, rev, created_at FROM ins;
`;
}

/** pgbench on the bench database; `pairs` have conversations (one per client). Null when pgbench is absent. */
export async function runPgbench(databaseUrl: string, pairs: Pair[], o: { clients: number; seconds: number }) {
  const bin = findPgbench();
  if (!bin) {
    process.stderr.write('  pgbench: not found (set PGBENCH=/path/to/pgbench); skipped\n');
    return { skipped: 'pgbench not found' };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carechat-pgbench-'));
  try {
    const script = path.join(dir, 'send.sql');
    await writeFile(script, sendScript(pairs.slice(0, o.clients)));
    // -M extended: parameters and an unnamed statement per query, as node-postgres sends them.
    const args = [
      '-n',
      '-M',
      'extended',
      '-c',
      String(o.clients),
      '-j',
      String(Math.min(2, o.clients)),
      '-T',
      String(o.seconds),
      '-f',
      script,
      databaseUrl,
    ];
    const { stdout } = await run(bin, args, { maxBuffer: 16 * 1024 * 1024 });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? NaN);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    return {
      bin,
      clients: o.clients,
      seconds: o.seconds,
      commitsPerSec: Math.round(tps),
      latencyAverageMs: latencyMs,
      failed,
      ...(await settings(databaseUrl)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The settings that decide a commit's cost, reported with the figure. */
async function settings(databaseUrl: string): Promise<{ fsync: string; synchronousCommit: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ fsync: string; sc: string }>(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc`,
    );
    const row = must(rows[0], 'the settings row');
    return { fsync: row.fsync, synchronousCommit: row.sc };
  } finally {
    await client.end();
  }
}
