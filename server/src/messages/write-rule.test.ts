import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { observeQueries, type Db } from '../db/pool.js';
import { useTestApp } from '../test/harness.js';
import { clientId, createAdmin, createPair, type Pair, type TestUser } from '../test/factories.js';
import { cleanPng } from '../test/files.js';
import type { TestSocket } from '../test/socket-client.js';
import { findSendContext, sendMessages } from './messages.store.js';

// Uploads are scanned: the run's clamd (global setup).
const t = useTestApp({ CLAMD_URL: inject('clamdUrl') });

const putUser = (user: TestUser, status: string) =>
  t.service.put(`/api/integration/users/${user.id}`, { name: user.name, role: user.role, status });

async function uploadPng(user: TestUser, conversationId: string): Promise<string> {
  const form = new FormData();
  form.append('conversationId', conversationId);
  form.append('file', new Blob([await cleanPng()], { type: 'application/octet-stream' }), 'rash.png');
  const headers = { authorization: `Bearer ${user.token}` };
  const res = await fetch(`${t.url}/api/chat/attachments`, { method: 'POST', headers, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A `chat:message` with a fresh clientMessageId: text, or attachments. */
const send = (s: TestSocket, conversationId: string, what: { content: string } | { attachmentIds: string[] }) =>
  s.emitAck('chat:message', { conversationId, clientMessageId: clientId(), ...what });

/**
 * A pair whose patient is connected, has sent one text (so this process holds the data key and
 * the next text send is the one-statement path) and holds one clean, unsent upload.
 */
async function pairWithUpload(): Promise<{ pair: Pair; p: TestSocket; fileId: string }> {
  const pair = await createPair(t);
  const p = await t.connect(pair.patient.token);
  expect((await send(p, pair.conversation.id, { content: 'first' })).ok).toBe(true);
  return { pair, p, fileId: await uploadPng(pair.patient, pair.conversation.id) };
}

async function messageCount(conversationId: string): Promise<number> {
  const sql = 'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1';
  const { rows } = await t.db.query<{ n: number }>(sql, [conversationId]);
  return rows[0]!.n;
}

async function unsent(fileId: string): Promise<boolean> {
  const sql = 'SELECT message_id FROM attachments WHERE id = $1';
  const { rows } = await t.db.query<{ message_id: string | null }>(sql, [fileId]);
  return rows[0]!.message_id === null;
}

const reasons: { name: string; close: (pair: Pair) => Promise<unknown>; code: string }[] = [
  { name: 'the doctor is blocked', close: (pair) => putUser(pair.doctor, 'blocked'), code: 'USER_BLOCKED' },
  { name: 'the doctor is deleted', close: (pair) => putUser(pair.doctor, 'deleted'), code: 'USER_BLOCKED' },
  {
    name: 'their last appointment is cancelled',
    close: (pair) =>
      t.service.put(`/api/integration/appointments/${pair.appointmentId}`, {
        patientId: pair.patient.id,
        doctorId: pair.doctor.id,
        startsAt: new Date().toISOString(),
        status: 'cancelled',
      }),
    code: 'NO_APPOINTMENT',
  },
  {
    name: 'the conversation is crypto-shredded',
    close: async (pair) => (await createAdmin(t)).api.post(`/api/admin/conversations/${pair.conversation.id}/shred`),
    code: 'NOT_FOUND',
  },
];

describe('one write rule for every send', () => {
  for (const reason of reasons)
    it(`refuses text and attachments alike, and shows canMessage false, when ${reason.name}`, async () => {
      const { pair, p, fileId } = await pairWithUpload();
      const c = pair.conversation.id;
      expect((await reason.close(pair)) as { status: number }).toMatchObject({ status: 200 });

      const text = await send(p, c, { content: 'after' });
      const withFile = await send(p, c, { attachmentIds: [fileId] });
      expect(text).toMatchObject({ ok: false, error: { code: reason.code } });
      expect(withFile).toEqual(text);
      const rest = await pair.patient.api.post(`/api/chat/conversations/${c}/messages`, {
        clientMessageId: clientId(),
        attachmentIds: [fileId],
      });
      expect(rest.body).toEqual({ error: text.error });

      expect(await messageCount(c)).toBe(1);
      expect(await unsent(fileId)).toBe(true);
      expect((await pair.patient.api.get(`/api/chat/conversations/${c}`)).body.canMessage).toBe(false);
    });

  it('refuses an attachment send whose appointment was cancelled after its check and before its write', async () => {
    const { pair, p, fileId } = await pairWithUpload();
    const c = pair.conversation.id;
    // The check is the send's context read on the send pool; its write takes a transaction of
    // the main pool. The appointment is cancelled (committed) in between, as the host could.
    let checked = false;
    observeQueries(t.sendDb, () => (checked = true));
    // pg's own query() takes its client with a callback: only the promise form (a transaction) waits.
    const db = t.db as unknown as { connect: (...args: unknown[]) => unknown; query: Db['query'] };
    const connect = db.connect;
    let cancelledBetween = false;
    db.connect = (...args: unknown[]) => {
      if (args.length > 0 || !checked) return connect.apply(db, args);
      db.connect = connect;
      return (async () => {
        await db.query(`UPDATE appointments SET status = 'cancelled' WHERE id = $1`, [pair.appointmentId]);
        cancelledBetween = true;
        return connect.apply(db, []);
      })();
    };
    try {
      const ack = await send(p, c, { attachmentIds: [fileId] });
      expect(cancelledBetween).toBe(true);
      expect(ack).toMatchObject({ ok: false, error: { code: 'NO_APPOINTMENT' } });
    } finally {
      db.connect = connect;
    }
    expect(await messageCount(c)).toBe(1);
    expect(await unsent(fileId)).toBe(true);
  });

  it('is read by the write statement itself: a change committed after a check in its transaction holds', async () => {
    const changes = [
      {
        sql: `UPDATE appointments SET status = 'cancelled' WHERE id = $1`,
        of: (p: Pair) => p.appointmentId,
        refusal: 'no_appointment',
      },
      { sql: `UPDATE users SET status = 'blocked' WHERE id = $1`, of: (p: Pair) => p.patient.id, refusal: 'blocked' },
    ];
    for (const change of changes) {
      const pair = await createPair(t);
      const c = pair.conversation.id;
      const key = { conversationId: c, senderId: pair.patient.id, clientMessageId: clientId(), replyToId: null };
      const tx = await t.db.connect();
      try {
        await tx.query('BEGIN');
        expect(await findSendContext(tx, key)).toMatchObject({ id: pair.conversation.id, write_refusal: null });
        await t.db.query(change.sql, [change.of(pair)]); // another connection, committed
        const [outcome] = await sendMessages(tx, [{ ...key, id: randomUUID(), body: null }]);
        expect(outcome!.stored).toBeNull();
        expect(outcome!.ctx).toMatchObject({ id: pair.conversation.id, write_refusal: change.refusal });
      } finally {
        await tx.query('ROLLBACK');
        tx.release();
      }
      expect(await messageCount(pair.conversation.id)).toBe(0);
    }
  });
});
