import { describe, expect, inject, it } from 'vitest';
import { auditRowsOf } from '../test/audit.js';
import { clientId, createAdmin, createPair, sendText, upload } from '../test/factories.js';
import { cleanPng } from '../test/files.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp({ CLAMD_URL: inject('clamdUrl') });
const REASON = { 'x-access-reason': 'Complaint #301 review' };

/** The seqs of a transcript page's messages. */
const seqs = (page: { body: { data: { seq: number }[] } }) => page.body.data.map((m) => m.seq);

describe("an admin's complete transcript", () => {
  it('shows every message with deleted and earlier texts, quotes, reactions and files; audited per page', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const first = await sendText(patient, c, 'I have a rash on my arm');
    const edited = await sendText(doctor, c, 'Send a photo please');
    for (const content of ['Send a photo, please', 'Please send a photo'])
      expect((await doctor.api.patch(`/api/chat/messages/${edited.id}`, { content })).status).toBe(200);
    const third = await sendText(patient, c, 'It itches at night');
    const deleted = await sendText(patient, c, 'Also my insurance number is 12345');
    expect((await patient.api.delete(`/api/chat/messages/${deleted.id}?scope=everyone`)).status).toBe(204);
    const reply = await patient.api.post(`/api/chat/conversations/${c}/messages`, {
      clientMessageId: clientId(),
      content: 'Here it is',
      replyToId: edited.id,
    });
    expect(reply.status).toBe(201);
    const photo = await upload(t, patient, c, await cleanPng(), 'rash.png');
    expect(photo.status).toBe(201);
    const withFile = await patient.api.post(`/api/chat/conversations/${c}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [photo.body.id],
    });
    expect(withFile.status).toBe(201);
    expect(
      (await doctor.api.put(`/api/chat/messages/${withFile.body.id}/reactions/${encodeURIComponent('👍')}`)).status,
    ).toBe(200);
    // A picture sent and then deleted: the admin sees what it was; its bytes are gone.
    const card = await upload(t, patient, c, await cleanPng(), 'insurance-card.png');
    const gone = await patient.api.post(`/api/chat/conversations/${c}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [card.body.id],
    });
    expect((await patient.api.delete(`/api/chat/messages/${gone.body.id}?scope=everyone`)).status).toBe(204);
    // Hidden for the patient alone: the admin still reads it.
    expect((await patient.api.delete(`/api/chat/messages/${first.id}?scope=self`)).status).toBe(204);

    const all = await admin.api.get(`/api/admin/conversations/${c}/transcript?after=0`, REASON);
    expect(all.status).toBe(200);
    expect(seqs(all)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [m1, m2, , m4, m5, m6, m7] = all.body.data;
    expect(m1).toMatchObject({ content: 'I have a rash on my arm', versions: [] });
    expect(m1.hiddenForMe).toBeUndefined();
    expect(m2.content).toBe('Please send a photo');
    expect(m2.versions.map((v: any) => [v.version, v.content, v.replacedBy])).toEqual([
      [1, 'Send a photo please', 'edit'],
      [2, 'Send a photo, please', 'edit'],
    ]);
    expect(m4).toMatchObject({ content: null, deletedAt: expect.any(String) });
    expect(m4.versions.map((v: any) => [v.content, v.replacedBy])).toEqual([
      ['Also my insurance number is 12345', 'delete'],
    ]);
    expect(m5.replyTo).toMatchObject({ id: edited.id, seq: 2, senderId: doctor.id, preview: 'Please send a photo' });
    expect(m6.attachments).toEqual([expect.objectContaining({ id: photo.body.id, fileName: 'rash.png' })]);
    expect(m6.reactions).toEqual([{ emoji: '👍', userIds: [doctor.id] }]);
    expect(m6.removedAttachments).toEqual([]);
    expect(m7).toMatchObject({ deletedAt: expect.any(String), attachments: [] });
    expect(m7.removedAttachments).toEqual([
      expect.objectContaining({ id: card.body.id, fileName: 'insurance-card.png' }),
    ]);
    expect((await admin.api.get(`/api/admin/attachments/${card.body.id}`, REASON)).status).toBe(404);

    // Paged both ways by seq, and a jump to a time starts at the first message sent then or after.
    const head = await admin.api.get(`/api/admin/conversations/${c}/transcript?after=0&limit=2`, REASON);
    expect([seqs(head), head.body.hasMore]).toEqual([[1, 2], true]);
    const next = await admin.api.get(`/api/admin/conversations/${c}/transcript?after=2&limit=2`, REASON);
    expect(seqs(next)).toEqual([3, 4]);
    const back = await admin.api.get(`/api/admin/conversations/${c}/transcript?before=3&limit=5`, REASON);
    expect([seqs(back), back.body.hasMore]).toEqual([[1, 2], false]);
    const at = encodeURIComponent(third.createdAt);
    const jump = await admin.api.get(`/api/admin/conversations/${c}/transcript?at=${at}&limit=2`, REASON);
    expect([seqs(jump), jump.body.hasMore]).toEqual([[3, 4], true]);
    const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    const late = await admin.api.get(`/api/admin/conversations/${c}/transcript?at=${future}&limit=2`, REASON);
    expect(seqs(late)).toEqual([6, 7]);

    // The files, through the admin's routes, each audited with the reason.
    const file = await fetch(`${t.url}/api/admin/attachments/${photo.body.id}?reason=Complaint%20%23301`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('attachment');
    expect((await file.arrayBuffer()).byteLength).toBe(photo.body.size);
    const thumb = await admin.api.get(`/api/admin/attachments/${photo.body.id}/thumbnail`, REASON);
    expect(thumb.status).toBe(200);

    const rows = await auditRowsOf(t.db, admin.id);
    expect(rows.map((r) => [r.action, r.conversation_id])).toEqual([
      ...Array(6).fill(['admin.messages.read', c]),
      ['admin.attachments.download', c],
      ['admin.attachments.thumbnail', c],
    ]);
    expect(rows[3]!.details).toMatchObject({ count: 2, before: 3, reason: 'Complaint #301 review' });
    expect(rows[4]!.details).toMatchObject({ after: 2, at: third.createdAt });
    expect(rows[6]!.details).toMatchObject({ reason: 'Complaint #301' });
    expect(JSON.stringify(rows)).not.toMatch(/rash|itches|insurance|photo/);
    const log = await patient.api.get(`/api/chat/conversations/${c}/access-log`);
    expect(log.body.data.map((e: any) => e.action)).toEqual([
      'admin.attachments.thumbnail',
      'admin.attachments.download',
      ...Array(6).fill('admin.messages.read'),
    ]);
  });

  it('is for admins only, and says what is wrong with a query', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const photo = await upload(t, patient, c, await cleanPng(), 'x.png');
    await patient.api.post(`/api/chat/conversations/${c}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [photo.body.id],
    });
    for (const user of [patient, doctor]) {
      expect((await user.api.get(`/api/admin/conversations/${c}/transcript`)).status).toBe(403);
      expect((await user.api.get(`/api/admin/attachments/${photo.body.id}`)).status).toBe(403);
    }
    expect((await admin.api.get(`/api/admin/conversations/${crypto.randomUUID()}/transcript`)).status).toBe(404);
    const both = await admin.api.get(`/api/admin/conversations/${c}/transcript?after=1&at=2026-01-01T00:00:00Z`);
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.api.get(`/api/admin/conversations/${c}/transcript?at=yesterday`)).status).toBe(400);
    expect(await auditRowsOf(t.db, admin.id)).toEqual([]);
  });
});
