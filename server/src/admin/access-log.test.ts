import { describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS } from '../audit/audit.store.js';
import { auditRowsOf } from '../test/audit.js';
import { freshDatabase, startTestApp } from '../test/app.js';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();
const SECRET = 'Secret: the biopsy came back';
const reasonOf = (r: string) => ({ 'x-access-reason': r });

describe('reads that are reads', () => {
  it('an admin listing conversations is one audit event, sees no content, and is in no access log', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, SECRET);
    const reply = await sendText(doctor, conversation.id, 'Let us talk on Monday');
    expect((await doctor.api.patch(`/api/chat/messages/${reply.id}`, { content: 'Monday at 9' })).status).toBe(200);
    const other = await createPair(t);

    const list = await admin.api.get(`/api/admin/conversations?limit=100`);
    expect(list.status).toBe(200);
    const row = list.body.data.find((c: any) => c.id === conversation.id);
    expect(row.patient.id).toBe(patient.id);
    expect(row.doctor.id).toBe(doctor.id);
    expect(row.lastMessageAt).not.toBeNull();
    expect(row.lastMessage).toBeNull();
    expect(row.counts).toEqual({ messages: 2, deleted: 0, edited: 1, attachments: 0 });
    expect(list.body.data.find((c: any) => c.id === other.conversation.id).counts.messages).toBe(0);
    expect(JSON.stringify(list.body)).not.toMatch(/biopsy|Monday/);
    const one = await admin.api.get(`/api/admin/conversations/${conversation.id}`);
    expect(one.body.lastMessage).toBeNull();
    expect(JSON.stringify(one.body)).not.toMatch(/biopsy|Monday/);

    const rows = await auditRowsOf(t.db, admin.id);
    expect(rows.map((r) => [r.action, r.conversation_id])).toEqual([
      ['admin.conversations.list', null],
      ['admin.conversations.view', conversation.id],
    ]);
    expect(rows[0]!.details).toMatchObject({ count: list.body.data.length, flagged: true });
    for (const who of [patient, doctor]) {
      const log = await who.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
      expect(log.status).toBe(200);
      expect(log.body.data).toEqual([]);
    }
  });

  it('opening the transcript with a reason is the read the patient sees, with that reason', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, SECRET);
    await admin.api.get('/api/admin/conversations');
    const hold = await admin.api.put(`/api/admin/conversations/${conversation.id}/legal-hold`, { hold: true });
    expect(hold.status).toBe(200);
    const page = await admin.api.get(
      `/api/admin/conversations/${conversation.id}/messages`,
      reasonOf('Complaint #88 review'),
    );
    expect(page.body.data.map((m: any) => m.content)).toEqual([SECRET]);

    const log = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
    expect(log.body.data).toEqual([
      {
        at: expect.any(String),
        actorId: admin.id,
        actorName: admin.name,
        actorRole: 'ADMIN',
        action: 'admin.messages.read',
        reason: 'Complaint #88 review',
        flagged: false,
      },
    ]);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}/access-log`)).body).toEqual(log.body);
  });
});

describe('list rows written before migration 0017', () => {
  // The app of today cannot run on a database stopped at 0016 (later migrations add tables it reads
  // at start), so the old rows are written as the old code wrote them, on today's schema: 0017 only
  // classifies actions (audit_action_shows_content), and audit rows cannot be changed at all (the
  // trigger of 0004 refuses UPDATE and DELETE), so what it leaves out it leaves as written.
  it('are left out of access logs, stay in the trail as written, and the chain verifies', async () => {
    const own = await freshDatabase();
    const app = await startTestApp({ DATABASE_URL: own.url });
    try {
      const admin = await createAdmin(app);
      const { patient, conversation } = await createPair(app);
      const other = await createPair(app);
      await sendText(patient, conversation.id, SECRET);
      // What the admin's list wrote before 0017: its event once per conversation listed, flagged.
      await app.db.query(
        `INSERT INTO audit_events ${AUDIT_COLUMNS}
         SELECT $1, 'ADMIN', 'admin.conversations.list', c, NULL, NULL, '127.0.0.1', 'test', 'success',
                '{"count": 2, "reason": "no reason given", "flagged": true}'::jsonb
           FROM unnest($2::uuid[]) AS c`,
        [admin.id, [conversation.id, other.conversation.id]],
      );
      const read = await admin.api.get(`/api/admin/conversations/${conversation.id}/messages`, reasonOf('Audit #7'));
      expect(read.status).toBe(200);
      await expect(
        app.db.query(`UPDATE audit_events SET action = 'x' WHERE actor_id = $1`, [admin.id]),
      ).rejects.toThrow();

      const all = await app.db.query('SELECT id FROM audit_events');
      const log = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
      expect(log.body.data.map((e: any) => [e.action, e.reason])).toEqual([['admin.messages.read', 'Audit #7']]);
      const empty = await other.patient.api.get(`/api/chat/conversations/${other.conversation.id}/access-log`);
      expect(empty.body.data).toEqual([]);
      const verify = await admin.api.get('/api/admin/audit/verify');
      expect(verify.body).toMatchObject({ ok: true, firstBroken: null });
      expect(verify.body.checked).toBe(all.rows.length);
      // The old rows are still in the trail, as written.
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'admin.conversations.list' AND actor_id = $1`,
        [admin.id],
      );
      expect(rows[0].n).toBe(2);
    } finally {
      await app.close();
      await own.drop();
    }
  });
});
