import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.js';
import { CLAMD_BINARY } from '../test/clamd.js';
import { clientId, createAdmin, createPair, sendText } from '../test/factories.js';
import { cleanPng } from '../test/files.js';
import { STALE_UPLOADS } from '../attachments/attachments.store.js';
import { EXPIRED_MESSAGES } from './retention.store.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ CLAMD_URL: inject('clamdUrl'), RETENTION_DAYS: '365', ARCHIVE_AFTER_DAYS: '90' });
});
afterAll(() => t.close());

const age = (table: string, id: string, days: number) =>
  t.db.query(`UPDATE ${table} SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);

describe('retention', () => {
  it.skipIf(!CLAMD_BINARY)(
    'deletes messages older than RETENTION_DAYS for good, with their files, and audits the run',
    async () => {
      const { patient, doctor, conversation } = await createPair(t);
      const form = new FormData();
      form.append('conversationId', conversation.id);
      form.append('file', new Blob([await cleanPng()]), 'old.png');
      const upload = (await (
        await fetch(`${t.url}/api/chat/attachments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${patient.token}` },
          body: form,
        })
      ).json()) as any;
      const old = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
        clientMessageId: clientId(),
        content: 'a year ago',
        attachmentIds: [upload.id],
      });
      const edited = await sendText(doctor, conversation.id, 'also old');
      await doctor.api.patch(`/api/chat/messages/${edited.id}`, { content: 'also old, edited' });
      const recent = await sendText(doctor, conversation.id, 'this week');
      await age('messages', old.body.id, 366);
      await age('messages', edited.id, 400);
      const files = async () =>
        (await readdir(path.join(t.config.dataDir, 'attachments'), { recursive: true })).filter((f) =>
          String(f).startsWith(upload.id.slice(0, 2) + '/' + upload.id),
        );

      expect(await files()).toHaveLength(2);
      const run = await t.app.jobs.runRetention();
      expect(run.ran).toBe(true);
      expect(run.messagesDeleted).toBeGreaterThanOrEqual(2);
      const page = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
      expect(page.body.data.map((m: any) => m.id)).toEqual([recent.id]);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM message_versions WHERE message_id = $1`, [
        edited.id,
      ]);
      expect(rows[0].n).toBe(0); // earlier versions go with the message
      expect(await files()).toHaveLength(0);
      const res = await fetch(`${t.url}/api/chat/attachments/${upload.id}`, {
        headers: { authorization: `Bearer ${patient.token}` },
      });
      expect(res.status).toBe(404);

      const admin = await createAdmin(t);
      const audit = await admin.api.get('/api/admin/audit?action=retention.run');
      expect(audit.body.data[0]).toMatchObject({ actorId: 'system', actorRole: 'SYSTEM', outcome: 'success' });
    },
  );

  it('archives conversations idle for ARCHIVE_AFTER_DAYS for both sides; a new message brings them back', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const busy = await createPair(t);
    await sendText(busy.patient, busy.conversation.id, 'recent');
    await sendText(patient, conversation.id, 'long ago');
    await t.db.query(`UPDATE conversations SET last_message_at = now() - interval '91 days' WHERE id = $1`, [
      conversation.id,
    ]);
    await t.app.jobs.runRetention();
    for (const u of [patient, doctor])
      expect((await u.api.get(`/api/chat/conversations/${conversation.id}`)).body.archived).toBe(true);
    expect((await busy.patient.api.get(`/api/chat/conversations/${busy.conversation.id}`)).body.archived).toBe(false);
    await sendText(doctor, conversation.id, 'checking in');
    for (const u of [patient, doctor])
      expect((await u.api.get(`/api/chat/conversations/${conversation.id}`)).body.archived).toBe(false);
  });

  it('spares conversations on legal hold', async () => {
    const admin = await createAdmin(t);
    const { patient, conversation } = await createPair(t);
    const old = await sendText(patient, conversation.id, 'evidence');
    await age('messages', old.id, 800);
    expect(
      (await admin.api.put(`/api/admin/conversations/${conversation.id}/legal-hold`, { hold: true })).body,
    ).toEqual({ id: conversation.id, legalHold: true });
    await t.app.jobs.runRetention();
    expect(
      (await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data.map((m: any) => m.id),
    ).toEqual([old.id]);
    await admin.api.put(`/api/admin/conversations/${conversation.id}/legal-hold`, { hold: false });
    await t.app.jobs.runRetention();
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data).toEqual([]);
  });

  it('expires conversations idle past RETENTION_DAYS: key destroyed, rows gone, a new one can start', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const held = await createPair(t);
    const admin = await createAdmin(t);
    await sendText(patient, conversation.id, 'long ago');
    await sendText(held.patient, held.conversation.id, 'kept for the lawyers');
    await admin.api.put(`/api/admin/conversations/${held.conversation.id}/legal-hold`, { hold: true });
    for (const id of [conversation.id, held.conversation.id]) {
      await t.db.query(
        `UPDATE conversations
            SET last_message_at = now() - interval '400 days', created_at = now() - interval '500 days'
          WHERE id = $1`,
        [id],
      );
      await t.db.query(`UPDATE messages SET created_at = now() - interval '400 days' WHERE conversation_id = $1`, [id]);
    }

    const run = await t.app.jobs.runRetention();
    expect(run.conversationsExpired).toBeGreaterThanOrEqual(1);
    expect(run.conversationsRemoved).toBeGreaterThanOrEqual(1);
    const left = await t.db.query('SELECT id FROM conversations WHERE id = ANY($1::uuid[])', [
      [conversation.id, held.conversation.id],
    ]);
    expect(left.rows.map((r) => r.id)).toEqual([held.conversation.id]);
    expect(
      (await t.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [conversation.id]))
        .rows[0].n,
    ).toBe(0);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).status).toBe(404);
    // The held one is untouched and still reads.
    expect(
      (await held.patient.api.get(`/api/chat/conversations/${held.conversation.id}/messages`)).body.data,
    ).toHaveLength(1);

    // They share an appointment still: a new conversation starts afresh.
    const again = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(conversation.id);
    expect((await sendText(doctor, again.body.id, 'Hello again')).seq).toBe(1);
    const { rows: runs } = await t.db.query(
      `SELECT details FROM audit_events WHERE action = 'retention.run' ORDER BY id DESC LIMIT 1`,
    );
    expect(runs[0].details).toMatchObject({ conversationsExpired: expect.any(Number), auditRetentionDays: 2557 });
  });

  it('finds what it deletes by index: a run costs what it deletes, not table size (unsent uploads too)', async () => {
    // With sequential scans priced out, a plan still reads a whole table only where no index
    // can serve it. Deleting a message clears the replies to it, and removing a conversation
    // deletes its attachments and push rows, once per row deleted: each a full read without these.
    const plans: Record<string, string> = {};
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = async (name: string, sql: string, values: unknown[]) =>
        (plans[name] = (await client.query(`EXPLAIN ${sql}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n'));
      const id = crypto.randomUUID();
      await plan('batch', EXPIRED_MESSAGES, [365, 500]);
      await plan('replies', 'UPDATE ONLY messages SET reply_to_id = NULL WHERE reply_to_id = $1', [id]);
      await plan('attachments', 'DELETE FROM attachments WHERE conversation_id = $1', [id]);
      await plan('outbox', 'DELETE FROM push_outbox WHERE conversation_id = $1', [id]);
      await plan('sent', 'DELETE FROM push_sent WHERE conversation_id = $1', [id]);
      // A deleted message takes its acknowledgement reminders with it (migration 0021's cascade).
      await plan('ackReminders', 'DELETE FROM reminder_outbox WHERE message_id = $1', [id]);
      await plan('uploads', STALE_UPLOADS, [86_400, 500]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(plans.batch).toContain('on messages_created');
    expect(plans.replies).toContain('messages_reply_to');
    expect(plans.attachments).toContain('attachments_conversation');
    expect(plans.outbox).toContain('push_outbox_conversation');
    expect(plans.sent).toContain('push_sent_conversation');
    expect(plans.ackReminders).toContain('reminder_outbox_ack');
    expect(plans.uploads).toContain('attachments_unsent');
    for (const p of Object.values(plans)) expect(p).not.toContain('Seq Scan');
  });
});
