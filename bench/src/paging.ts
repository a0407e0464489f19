import { randomUUID } from 'node:crypto';
import pg from 'pg';
// The server's own envelope format, so the rows written here are rows it can read.
import { encryptText, Keyring, messageAad } from '../../server/src/crypto/keyring.js';
import { openBenchDatabase } from './database.js';
import { provisionPairs, type Pair } from './load/provision.js';
import { must } from './must.js';
import { startServer, type BenchServer } from './server.js';
import { summarize } from './stats.js';

const BATCH = 10_000;

/**
 * Pages of 50 from one conversation of `messages` messages (a million by default): the
 * newest end, the middle (before=seq) and the oldest end, `requests` reads each.
 */
export async function pagingScenario(o: { messages: number; requests: number }) {
  const db = await openBenchDatabase();
  const server = await startServer({}, { databaseUrl: db.url });
  const [pair] = await provisionPairs(server, 1, { conversations: true });
  if (!pair) throw new Error('paging: no pair was provisioned');
  const t0 = performance.now();
  await fillConversation(db.url, server, pair, o.messages);
  const loadSeconds = Math.round(performance.now() - t0) / 1000;
  process.stderr.write(`  inserted ${o.messages} messages in ${loadSeconds} s\n`);

  const n = o.messages;
  const positions = { newest: '', middle: `&before=${Math.floor(n / 2)}`, oldest: `&before=${Math.min(n, 51)}` };
  const results: Record<string, ReturnType<typeof summarize>> = {};
  for (const [name, query] of Object.entries(positions)) {
    const url = `${server.url}/api/chat/conversations/${pair.conversationId}/messages?limit=50${query}`;
    const times: number[] = [];
    for (let i = 0; i < o.requests + 10; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${pair.doctorToken}` } });
      const body = (await res.json()) as { data?: { content: string | null }[] };
      if (i >= 10) times.push(performance.now() - t); // the first 10 warm up
      // A page that does not decrypt answers 500: the rows must be real ones.
      if (!res.ok || body.data?.length !== Math.min(50, n) || !body.data[0]?.content?.startsWith('paging message'))
        throw new Error(`page read failed at ${name}: ${res.status}`);
    }
    const summary = summarize(times);
    results[name] = summary;
    process.stderr.write(`  ${name}: p50 ${summary.p50} ms, p99 ${summary.p99} ms\n`);
  }
  return {
    scenario: 'paging',
    database: db.source,
    messages: n,
    loadSeconds,
    requestsPerPosition: o.requests,
    pageSize: 50,
    pageMs: results,
  };
}

/**
 * Writes the conversation's messages straight into PostgreSQL, each sealed under the
 * conversation's data key with its own row's AAD (a ciphertext copied between rows would
 * not open), in batches of 10,000 over two connections.
 */
export async function fillConversation(
  databaseUrl: string,
  server: BenchServer,
  pair: Pair,
  count: number,
  textOf: (seq: number) => string = (seq) => `paging message ${seq}`,
): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const conversationId = must(pair.conversationId, "the pair's conversation");
    const { rows } = await pool.query<{ wrapped_key: Buffer; key_version: number; last_seq: number }>(
      'SELECT wrapped_key, key_version, last_seq FROM conversations WHERE id = $1',
      [conversationId],
    );
    const conv = must(rows[0], 'the paging conversation');
    if (conv.last_seq !== 0) throw new Error('the paging conversation is not empty');
    const keyring = new Keyring(new Map([[conv.key_version, Buffer.from(server.masterKey, 'hex')]]), conv.key_version);
    const key = keyring.dataKey(conversationId, { wrappedKey: conv.wrapped_key, keyVersion: conv.key_version });
    const since = Date.now() - count; // one millisecond apart, ending now
    const insert = (from: number) => {
      const ids: string[] = [];
      const seqs: number[] = [];
      const bodies: Buffer[] = [];
      for (let seq = from; seq < Math.min(from + BATCH, count + 1); seq++) {
        const id = randomUUID();
        ids.push(id);
        seqs.push(seq);
        bodies.push(encryptText(key, textOf(seq), messageAad(conversationId, id, 1)));
      }
      return pool.query(
        `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, body, created_at)
         SELECT u.id, $1, u.seq, u.seq, CASE WHEN u.seq % 2 = 0 THEN $2 ELSE $3 END, 'paging-' || u.seq, u.body,
                to_timestamp(($4::bigint + u.seq) / 1000.0)
           FROM unnest($5::uuid[], $6::int[], $7::bytea[]) AS u (id, seq, body)`,
        [conversationId, pair.patientId, pair.doctorId, since, ids, seqs, bodies],
      );
    };
    const inFlight: Promise<unknown>[] = [];
    for (let from = 1; from <= count; from += BATCH) {
      inFlight.push(insert(from));
      if (inFlight.length >= 2) await inFlight.shift();
    }
    await Promise.all(inFlight);
    await pool.query(
      `UPDATE conversations SET last_seq = $2, last_rev = $3, last_message_at = now(), activity_at = now()
        WHERE id = $1`,
      [conversationId, count, count],
    );
    // A million rows arrive here in seconds, not over years: vacuum and checkpoint them now, so
    // the reads measure paging and not the autovacuum and checkpoint writes the load set off.
    await pool.query('VACUUM (ANALYZE) messages');
    await pool
      .query('CHECKPOINT')
      .catch((err: Error) =>
        process.stderr.write(`  no CHECKPOINT (${err.message}); figures may include its writes\n`),
      );
  } finally {
    await pool.end();
  }
}
