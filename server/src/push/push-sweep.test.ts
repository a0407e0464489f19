import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test/app.js';
import { clientId, createPair, type TestUser } from '../test/factories.js';
import { startPushService, type TestSubscription } from '../test/push-service.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { connectClient, until } from '../test/socket-client.js';

// A database of its own: servers of other test files sweep the shared one, and would push
// about these messages too (or these servers about theirs).
let own: { url: string; drop(): Promise<void> };
let db: pg.Pool;
let dataDir: string;
let push: Awaited<ReturnType<typeof startPushService>>;
let a: ServerProcess;
const running: ServerProcess[] = [];

const SWEEP_AFTER_MS = 2000;
const start = async (env: Record<string, string>) => {
  const s = await spawnServer({
    DATABASE_URL: own.url,
    DATA_DIR: dataDir,
    PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
    LOG_LEVEL: 'trace',
    ...env,
  });
  running.push(s);
  return s;
};

beforeAll(async () => {
  own = await freshDatabase();
  db = new pg.Pool({ connectionString: own.url, max: 2 });
  dataDir = await mkdtemp(path.join(tmpdir(), 'carechat-sweep-'));
  push = await startPushService();
  a = await start({ PUSH_SWEEP_SECONDS: '0.5', PUSH_SWEEP_AFTER_SECONDS: String(SWEEP_AFTER_MS / 1000) });
});
afterAll(async () => {
  running.forEach((s) => s.child.kill('SIGKILL'));
  await Promise.all(running.map((s) => s.exited));
  expect(push.failures).toEqual([]);
  await push.close();
  await db.end();
  await own.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function subscribed(user: TestUser): Promise<TestSubscription> {
  const sub = push.subscribe();
  expect((await user.api.post('/api/push/subscriptions', sub)).status).toBe(201);
  return sub;
}

/**
 * What a send writes at its commit (messages.store sendMessages) and nothing after it: the
 * state a process that dies right after the commit, before the fast path queued a push, leaves.
 */
async function committedThenCrashed(conversationId: string, senderId: string): Promise<number> {
  const { rows } = await db.query<{ seq: number }>(
    `WITH c AS (
       UPDATE conversations
          SET last_seq = last_seq + 1, last_rev = last_rev + 1, last_message_at = now(), activity_at = now()
        WHERE id = $1 RETURNING last_seq, last_rev),
     ins AS (
       INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id)
       SELECT gen_random_uuid(), $1, c.last_seq, c.last_rev, $2, $3 FROM c RETURNING seq),
     members AS (
       UPDATE conversation_members cm
          SET last_read_seq = CASE WHEN cm.user_id = $2 THEN GREATEST(cm.last_read_seq, ins.seq)
                                   ELSE cm.last_read_seq END,
              last_delivered_seq = CASE WHEN cm.user_id = $2 THEN GREATEST(cm.last_delivered_seq, ins.seq)
                                        ELSE cm.last_delivered_seq END,
              archived = false
         FROM ins WHERE cm.conversation_id = $1)
     SELECT seq FROM ins`,
    [conversationId, senderId, clientId()],
  );
  return rows[0]!.seq;
}

const queuedSeq = async (conversationId: string, userId: string) =>
  (
    await db.query<{ s: number }>(
      'SELECT push_queued_seq AS s FROM conversation_members WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId],
    )
  ).rows[0]!.s;

/** The dispatcher has recorded the push it sent about this conversation (its outbox row is gone). */
const settled = (conversationId: string) =>
  until(
    async () =>
      (
        await db.query<{ n: number }>('SELECT count(*)::int AS n FROM push_outbox WHERE conversation_id = $1', [
          conversationId,
        ])
      ).rows[0]!.n === 0,
    'the push to be recorded',
  );

/** How many sweep passes the server has finished (it logs each at debug). */
const passes = (server: ServerProcess) => server.output().split('"msg":"push sweep pass done"').length - 1;

/**
 * Waits until the server has finished `n` sweep passes in all, then until what they queued has been
 * sent: a push those passes would make has been made by then.
 */
async function swept(server: ServerProcess, n: number, conversationIds: string[]): Promise<void> {
  await until(() => passes(server) >= n, `${n} sweep passes`, 15_000);
  for (const id of conversationIds) await settled(id);
}

/**
 * Devices are pushed about a conversation at most once a minute: once the last push is
 * recorded, make it look two minutes old, so that a repeated notice would really be sent.
 */
async function forgetLastPush(conversationId: string): Promise<void> {
  await settled(conversationId);
  const { rowCount } = await db.query(
    "UPDATE push_sent SET sent_at = now() - interval '2 minutes' WHERE conversation_id = $1",
    [conversationId],
  );
  expect(rowCount).toBeGreaterThan(0);
}

/**
 * The sweep logs how many it queued, never whose or where (user ids are in request paths, so names are
 * logging.test.ts's).
 */
function expectNoDevicesLogged(server: ServerProcess, subs: TestSubscription[]): void {
  const logs = server.output();
  expect(logs).toMatch(/"queued":\d+,"msg":"push sweep queued notices the fast path had missed"/);
  for (const s of subs) {
    expect(logs).not.toContain(s.endpoint.split('/push/')[1]);
    expect(logs).not.toContain(s.keys.p256dh);
    expect(logs).not.toContain(s.keys.auth);
  }
  expect(logs).not.toContain('push sweep failed');
}

describe('the push sweep', () => {
  it('pushes once about a message a crash left unqueued, only to an offline recipient who has not had it', async () => {
    const lost = await createPair(a);
    const online = await createPair(a);
    const delivered = await createPair(a);
    const [lostSub, onlineSub, deliveredSub] = await Promise.all([
      subscribed(lost.doctor),
      subscribed(online.doctor),
      subscribed(delivered.doctor),
    ]);
    // Connected, and never acknowledging delivery: the sweep must not push while it is.
    const socket = await connectClient(a.url, { token: online.doctor.token });

    const committedAt = Date.now();
    const seq = await committedThenCrashed(lost.conversation.id, lost.patient.id);
    const onlineSeq = await committedThenCrashed(online.conversation.id, online.patient.id);
    const deliveredSeq = await committedThenCrashed(delivered.conversation.id, delivered.patient.id);
    // Read (so delivered) through the API, from a device that is not connected now.
    expect(
      (
        await delivered.doctor.api.post(`/api/chat/conversations/${delivered.conversation.id}/read`, {
          upToSeq: deliveredSeq,
        })
      ).status,
    ).toBe(200);

    await until(() => push.received(lostSub).length === 1, 'the push the sweep queued', 10_000);
    const [got] = push.received(lostSub);
    expect(got!.payload).toEqual({ title: 'New secure message', conversationId: lost.conversation.id });
    // Left to the fast path for PUSH_SWEEP_AFTER_SECONDS first.
    expect(got!.at - committedAt).toBeGreaterThanOrEqual(SWEEP_AFTER_MS - 50);
    expect(await queuedSeq(lost.conversation.id, lost.doctor.id)).toBe(seq);

    // Four more passes, with the once-a-minute collapse out of the way: no second push.
    await forgetLastPush(lost.conversation.id);
    // One more than four: the pass running now may have started before.
    await swept(
      a,
      passes(a) + 5,
      [lost, online, delivered].map((p) => p.conversation.id),
    );
    expect(push.received(lostSub)).toHaveLength(1);
    expect(push.received(onlineSub)).toHaveLength(0);
    expect(push.received(deliveredSub)).toHaveLength(0);
    expect(await queuedSeq(online.conversation.id, online.doctor.id)).toBe(0);
    expect(await queuedSeq(delivered.conversation.id, delivered.doctor.id)).toBe(0);

    // Another lost message in the same conversation is pushed about, once.
    await committedThenCrashed(lost.conversation.id, lost.patient.id);
    await until(() => push.received(lostSub).length === 2, 'the push about the next lost message', 10_000);
    // The connected doctor leaves without having acknowledged it: now it is pushed.
    socket.close();
    await until(() => push.received(onlineSub).length === 1, 'the push once the doctor left', 10_000);
    expect(await queuedSeq(online.conversation.id, online.doctor.id)).toBe(onlineSeq);
    await swept(
      a,
      passes(a) + 4,
      [lost, online, delivered].map((p) => p.conversation.id),
    );
    expect(push.received(lostSub)).toHaveLength(2);
    expect(push.received(onlineSub)).toHaveLength(1);
    expect(push.received(deliveredSub)).toHaveLength(0);
    expectNoDevicesLogged(a, [lostSub, onlineSub, deliveredSub]);
  }, 60_000);

  it('on start, pushes what was lost while no server ran, and nothing already pushed', async () => {
    const pushed = await createPair(a);
    const lost = await createPair(a);
    const [pushedSub, lostSub] = await Promise.all([subscribed(pushed.doctor), subscribed(lost.doctor)]);
    await committedThenCrashed(pushed.conversation.id, pushed.patient.id);
    await until(() => push.received(pushedSub).length === 1, 'the push before the crash', 10_000);
    await settled(pushed.conversation.id);

    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const seq = await committedThenCrashed(lost.conversation.id, lost.patient.id);
    await forgetLastPush(pushed.conversation.id);
    // An hour between passes: only the pass at start can push.
    const b = await start({ PUSH_SWEEP_SECONDS: '3600', PUSH_SWEEP_AFTER_SECONDS: '0' });
    await until(() => push.received(lostSub).length === 1, 'the push of the pass at start', 10_000);
    expect(await queuedSeq(lost.conversation.id, lost.doctor.id)).toBe(seq);
    // The pass at start has ended and what it queued is sent: no other pass comes within the hour.
    await swept(b, 1, [pushed.conversation.id, lost.conversation.id]);
    expect(push.received(lostSub)).toHaveLength(1);
    expect(push.received(pushedSub)).toHaveLength(1);
    expectNoDevicesLogged(b, [pushedSub, lostSub]);
  }, 60_000);
});
