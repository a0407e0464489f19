import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { createAdmin, createAppointment, createDoctor, createPair, createPatient, sendText } from '../test/factories.js';

const t = useTestApp();

describe('admin reads', () => {
  it('list any conversation with name search and cursor paging, and read transcripts, each read audited', async () => {
    const admin = await createAdmin(t);
    const tag = crypto.randomUUID().slice(0, 8);
    const doctor = await createDoctor(t, `Dr. Search ${tag}`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const patient = await createPatient(t, `Patient ${tag} ${i}`);
      await createAppointment(t, patient, doctor);
      const conv = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
      await sendText(patient, conv.id, `question ${i}`);
      ids.push(conv.id);
    }
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const res = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`Search ${tag}`)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: any) => c.id));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse()); // newest activity first, each once
    const byPatient = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`Patient ${tag} 1`)}`);
    expect(byPatient.body.data.map((c: any) => c.id)).toEqual([ids[1]]);

    const transcript = await admin.api.request('GET', `/api/admin/conversations/${ids[0]}/messages`, undefined, { 'user-agent': 'audit-test/1.0' });
    expect(transcript.body.data.map((m: any) => m.content)).toEqual(['question 0']);
    const audit = await admin.api.get(`/api/admin/audit?actorId=${admin.id}&action=admin.messages.read`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actorId: admin.id,
      actorRole: 'ADMIN',
      action: 'admin.messages.read',
      conversationId: ids[0],
      userAgent: 'audit-test/1.0',
      outcome: 'success',
    });
    expect(audit.body.data[0].ip).toBeTruthy();
    expect((await admin.api.get(`/api/admin/conversations/${crypto.randomUUID()}/messages`)).status).toBe(404);
  });
});

describe('the audit trail', () => {
  it('records participants’ reads and syncs, filters and pages, and holds no message text', async () => {
    const admin = await createAdmin(t);
    const { patient, conversation } = await createPair(t);
    const text = `audit-secret-${crypto.randomUUID()}`;
    await sendText(patient, conversation.id, text);
    await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    await patient.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`);
    const all = await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}`);
    expect(all.body.data.map((e: any) => e.action).sort()).toEqual(['messages.read', 'messages.sync']);
    expect(all.body.data.every((e: any) => e.actorId === patient.id)).toBe(true);

    const first = await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&limit=1`);
    expect(first.body.data).toHaveLength(1);
    const second = await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(second.body.nextCursor).toBeNull();

    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&from=${future}`)).body.data).toEqual([]);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&to=${past}`)).body.data).toEqual([]);

    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE audit_events::text LIKE $1`, [`%${text}%`]);
    expect(rows[0].n).toBe(0);
  });

  it('records blocks, and cannot be altered or deleted', async () => {
    const admin = await createAdmin(t);
    const patient = await createPatient(t);
    await admin.api.post(`/api/admin/users/${patient.id}/block`);
    const events = await admin.api.get(`/api/admin/audit?action=admin.user.block&actorId=${admin.id}`);
    expect(events.body.data[0]).toMatchObject({ targetId: patient.id, outcome: 'success' });
    await expect(t.db.query(`UPDATE audit_events SET outcome = 'failure' WHERE actor_id = $1`, [admin.id])).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_events WHERE actor_id = $1`, [admin.id])).rejects.toThrow(/append-only/);
    expect((await admin.api.post(`/api/admin/users/nobody-${Date.now()}/block`)).status).toBe(404);
  });
});
