import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair } from '../test/factories.js';
import { waitingOn } from '../test/locks.js';
import { until } from '../test/socket-client.js';
import { findSendContexts, sendMessages } from './messages.store.js';

const t = useTestApp();

/**
 * Sends that arrive together are checked and written together (one query, one statement,
 * one commit). Each must still come out as if it had been sent alone.
 */
describe('sends written together', () => {
  it('give every conversation gap-free seqs, store a repeated clientMessageId once, and keep watermarks', async () => {
    const one = await createPair(t);
    const two = await createPair(t);
    const [p1, d1, p2] = await Promise.all([
      t.connect(one.patient.token),
      t.connect(one.doctor.token),
      t.connect(two.patient.token),
    ]);
    const repeated = Array.from({ length: 5 }, () => clientId());
    const send = (s: typeof p1, conversationId: string, id = clientId(), content = `m ${id}`) =>
      s.emitAck('chat:message', { conversationId, clientMessageId: id, content });

    const acks = await Promise.all([
      ...Array.from({ length: 20 }, () => send(p1, one.conversation.id)),
      ...Array.from({ length: 20 }, () => send(d1, one.conversation.id)),
      ...Array.from({ length: 20 }, () => send(p2, two.conversation.id)),
      // The same clientMessageId twice in the same burst: stored once, both acked with it.
      ...repeated.flatMap((id) => [
        send(p1, one.conversation.id, id, 'once'),
        send(p1, one.conversation.id, id, 'once'),
      ]),
    ]);
    expect(acks.every((a) => a.ok)).toBe(true);

    const seqsOf = (conversationId: string) =>
      [
        ...new Map(
          acks.filter((a) => a.message.conversationId === conversationId).map((a) => [a.message.id, a.message.seq]),
        ).values(),
      ].sort((a, b) => a - b);
    expect(seqsOf(one.conversation.id)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(seqsOf(two.conversation.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const id of repeated) {
      const pair = acks.filter((a) => a.message.clientMessageId === id);
      expect(pair).toHaveLength(2);
      expect(pair[0].message.id).toBe(pair[1].message.id);
    }
    // Revs are unique too, and what was acked is what is stored.
    const stored = await t.db.query<{ id: string; seq: number; rev: number }>(
      'SELECT id, seq, rev FROM messages WHERE conversation_id = $1 ORDER BY seq',
      [one.conversation.id],
    );
    expect(stored.rows).toHaveLength(45);
    expect(new Set(stored.rows.map((r) => r.rev)).size).toBe(45);
    for (const a of acks.filter((x) => x.message.conversationId === one.conversation.id))
      expect(stored.rows.find((r) => r.id === a.message.id)).toMatchObject({ seq: a.message.seq, rev: a.message.rev });

    // Each sender has read up to their own newest message; the other side's unread counts the rest.
    const newestBy = (userId: string) =>
      Math.max(...acks.filter((a) => a.message.senderId === userId).map((a) => a.message.seq));
    const asPatient = (await one.patient.api.get(`/api/chat/conversations/${one.conversation.id}`)).body;
    const asDoctor = (await one.doctor.api.get(`/api/chat/conversations/${one.conversation.id}`)).body;
    expect(asPatient.lastReadSeq).toBe(newestBy(one.patient.id));
    expect(asDoctor.lastReadSeq).toBe(newestBy(one.doctor.id));
    expect(asPatient.lastSeq).toBe(45);
    const doctorSeqs = acks.filter((a) => a.message.senderId === one.doctor.id).map((a) => a.message.seq);
    expect(asPatient.unreadCount).toBe(doctorSeqs.filter((s) => s > asPatient.lastReadSeq).length);
  });

  it('run on connections that plan each grouped statement once, whatever the size of the group', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await t.connect(patient.token);
    // Bursts of different sizes: left to choose, PostgreSQL would plan small groups afresh each time.
    for (const size of [3, 2, 6, 2, 4, 3, 5, 2]) {
      const acks = await Promise.all(
        Array.from({ length: size }, () =>
          p.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'x' }),
        ),
      );
      expect(acks.every((a) => a.ok)).toBe(true);
    }
    const clients = await Promise.all([t.sendDb.connect(), t.sendDb.connect()]);
    try {
      const plans = await Promise.all(
        clients.map(
          async (c) =>
            (
              await c.query(
                `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
                  WHERE name IN ('send-message', 'send-messages')`,
              )
            ).rows,
        ),
      );
      // A burst the batcher happens to split sends some of its messages alone (send-message):
      // each burst still runs at least one statement, and none of them is planned afresh.
      const all = plans.flat();
      expect(all.reduce((n, r) => n + r.generic, 0)).toBeGreaterThanOrEqual(8);
      expect(all.reduce((n, r) => n + r.custom, 0)).toBe(0);
    } finally {
      clients.forEach((c) => c.release());
    }
  });

  it('archived conversations come back for both sides when a burst arrives', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    expect((await doctor.api.patch(`/api/chat/conversations/${conversation.id}`, { archived: true })).status).toBe(200);
    const p = await t.connect(patient.token);
    const acks = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'back' }),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.archived).toBe(false);
  });
});

describe('what a send writes', () => {
  it('updates its conversation in place (HOT: no new index entries) while the minute of activity stays', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await t.connect(patient.token);
    const send = async () =>
      expect(
        (
          await p.emitAck('chat:message', {
            conversationId: conversation.id,
            clientMessageId: clientId(),
            content: 'x',
          })
        ).ok,
      ).toBe(true);
    // Reading heap pages takes a superuser: this client drops the app role and leaves the pool after.
    const c = await t.db.connect();
    try {
      await c.query('RESET ROLE');
      await c.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
      const minute = async () =>
        (await c.query('SELECT activity_minute::text AS m FROM conversations WHERE id = $1', [conversation.id])).rows[0]
          .m;
      await send();
      // Two sends in one minute: the second changes no indexed column. Once more if a minute ended between them.
      for (let before = await minute(), tries = 0; ; before = await minute(), tries++) {
        await send();
        if ((await minute()) === before) break;
        expect(tries).toBeLessThan(3);
      }
      const { rows } = await c.query(
        `SELECT (i.t_infomask2 & 32768) <> 0 AS heap_only
           FROM conversations v, heap_page_items(get_raw_page('conversations', (v.ctid::text::point)[0]::int)) i
          WHERE v.id = $1 AND i.lp = (v.ctid::text::point)[1]::int`,
        [conversation.id],
      );
      expect(rows).toEqual([{ heap_only: true }]);
    } finally {
      c.release(true);
    }
  });
});

describe('the grouped send statements', () => {
  it('find what they check by index, never by reading a whole table, in the plan each connection keeps', async () => {
    const c = await t.sendDb.connect();
    try {
      const key = {
        conversationId: randomUUID(),
        senderId: 'nobody',
        clientMessageId: clientId(),
        replyToId: randomUUID(),
      };
      // Prepared on this connection, writing nothing (no such conversation); then its kept plan is read.
      await sendMessages(
        c,
        [key, key].map((k) => ({ ...k, id: randomUUID(), body: null })),
      );
      await findSendContexts(c, [key, key]);
      for (const [name, params] of [
        ['send-messages', 8],
        ['send-contexts', 4],
      ] as const) {
        const { rows } = await c.query(
          `EXPLAIN (COSTS OFF) EXECUTE "${name}"(${Array(params).fill(`'{}'`).join(', ')})`,
        );
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toMatch(/Index (Only )?Scan using conversations_pkey/);
        expect(plan).not.toMatch(/Seq Scan/);
      }
    } finally {
      c.release();
    }
  });
});

describe('sends checked in the statement that stores them', () => {
  it('store nothing in a conversation whose key was destroyed while they waited for its row', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await t.connect(patient.token);
    // This process holds the key: the next send is the one-statement path, its checks read before its lock.
    expect(
      (
        await p.emitAck('chat:message', {
          conversationId: conversation.id,
          clientMessageId: clientId(),
          content: 'first',
        })
      ).ok,
    ).toBe(true);
    const shred = await t.db.connect();
    try {
      // What shredding does to the row, not yet committed: the send queues behind its lock.
      await shred.query('BEGIN');
      await shred.query('UPDATE conversations SET wrapped_key = NULL, shredded_at = now() WHERE id = $1', [
        conversation.id,
      ]);
      const id = clientId();
      const send = p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: id,
        content: 'sent as the key went',
      });
      await until(async () => (await waitingOn(t.db, shred)) > 0, 'the send to wait on the row');
      await shred.query('COMMIT');
      const ack = await send;
      expect(ack.ok).toBe(false);
      const again = await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: id,
        content: 'sent as the key went',
      });
      expect(again.ok).toBe(false);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [
        conversation.id,
      ]);
      expect(rows[0].n).toBe(1);
    } finally {
      shred.release();
    }
  });

  it('refuse, each with its own reason, what may not be stored, while the rest of the burst is stored', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const other = await createPair(t);
    const c = conversation.id;
    const p = await t.connect(patient.token);
    // This process now holds the conversation's data key: later sends to it take one statement.
    expect(
      (await p.emitAck('chat:message', { conversationId: c, clientMessageId: clientId(), content: 'first' })).ok,
    ).toBe(true);
    const elsewhere = (
      await (
        await t.connect(other.patient.token)
      ).emitAck('chat:message', { conversationId: other.conversation.id, clientMessageId: clientId(), content: 'x' })
    ).message;
    const stranger = await t.connect(other.doctor.token);

    const burst = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        p.emitAck('chat:message', { conversationId: c, clientMessageId: clientId(), content: 'fine' }),
      ),
      stranger.emitAck('chat:message', {
        conversationId: c,
        clientMessageId: clientId(),
        content: 'not mine to write in',
      }),
      p.emitAck('chat:message', {
        conversationId: c,
        clientMessageId: clientId(),
        content: 'reply',
        replyToId: elsewhere.id,
      }),
    ]);
    expect(burst.slice(0, 10).every((a) => a.ok)).toBe(true);
    expect(burst[10]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(burst[11]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const count = async () =>
      (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [c]))
        .rows[0]!.n;
    expect(await count()).toBe(11);

    // Changes made behind this process's back (another process, the host platform) hold at once.
    const send = () => p.emitAck('chat:message', { conversationId: c, clientMessageId: clientId(), content: 'after' });
    await t.db.query(`UPDATE appointments SET status = 'cancelled' WHERE patient_id = $1 AND doctor_id = $2`, [
      patient.id,
      doctor.id,
    ]);
    expect(await send()).toMatchObject({ ok: false, error: { code: 'NO_APPOINTMENT' } });
    await t.db.query(`UPDATE appointments SET status = 'scheduled' WHERE patient_id = $1 AND doctor_id = $2`, [
      patient.id,
      doctor.id,
    ]);
    await t.db.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [doctor.id]);
    expect(await send()).toMatchObject({ ok: false, error: { code: 'USER_BLOCKED' } });
    await t.db.query(`UPDATE users SET status = 'active' WHERE id = $1`, [doctor.id]);
    expect((await send()).ok).toBe(true);
    // Shredded by another process: this one still holds the key, but nothing more is stored.
    await t.db.query('UPDATE conversations SET wrapped_key = NULL, shredded_at = now() WHERE id = $1', [c]);
    expect(await send()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await count()).toBe(12);
  });
});
