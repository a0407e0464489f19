import { describe, expect, it } from 'vitest';
import { auditRowsOf, refuseAuditRowsOf } from '../test/audit.js';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();
const SECRET = 'Secret: chest pain since Tuesday';

describe('audited reads', () => {
  it('leave a row for every read of content, naming the conversation and never the content', async () => {
    const { patient, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, SECRET);
    const c = conversation.id;
    const earlier = (await auditRowsOf(t.db, patient.id)).length; // opening the conversation read it

    // The list shows previews, so it is a read of every conversation it names.
    const list = await patient.api.get('/api/chat/conversations');
    expect(list.body.data.find((x: any) => x.id === c).lastMessage.preview).toContain('chest');
    expect((await patient.api.get(`/api/chat/conversations/${c}`)).status).toBe(200);
    expect((await patient.api.get(`/api/chat/conversations/${c}/messages`)).status).toBe(200);
    expect((await patient.api.get(`/api/chat/conversations/${c}/changes?since=0`)).status).toBe(200);
    const mine = (await auditRowsOf(t.db, patient.id)).slice(earlier);
    expect(mine.map((r) => r.action)).toEqual([
      'conversations.list',
      'conversations.read',
      'messages.read',
      'messages.sync',
    ]);
    expect(mine[0]!.details).toMatchObject({ count: 1, conversationIds: [c] });
    for (const r of mine.slice(1)) expect(r.conversation_id).toBe(c);
    // The page and the sync write their row in their own statement; it counts what was shown.
    expect(mine[2]!.details).toEqual({ count: 1, before: null, after: null });
    expect(mine[3]!.details).toEqual({ count: 1, since: 0 });
    await sendText(patient, conversation.id, 'second');
    await sendText(patient, conversation.id, 'third');
    expect((await patient.api.get(`/api/chat/conversations/${c}/messages?limit=2`)).body.data).toHaveLength(2);
    expect((await patient.api.get(`/api/chat/conversations/${c}/messages?before=1`)).body.data).toHaveLength(0);
    expect((await patient.api.get(`/api/chat/conversations/${c}/changes?since=1&limit=1`)).body.hasMore).toBe(true);
    const pages = (await auditRowsOf(t.db, patient.id)).slice(earlier + 4);
    expect(pages.map((r) => [r.action, r.details])).toEqual([
      ['messages.read', { count: 2, before: null, after: null }],
      ['messages.read', { count: 0, before: 1, after: null }],
      ['messages.sync', { count: 1, since: 1 }],
    ]);

    const admin = await createAdmin(t);
    const reason = { 'x-access-reason': 'Complaint review #12' };
    const listed = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(patient.name)}`, reason);
    expect(listed.body.data.map((x: any) => x.id)).toEqual([c]);
    expect((await admin.api.get(`/api/admin/conversations/${c}`, reason)).status).toBe(200);
    expect((await admin.api.get(`/api/admin/conversations/${c}/messages`, reason)).status).toBe(200);
    expect((await admin.api.get(`/api/admin/messages/${msg.id}/history`, reason)).status).toBe(200);
    expect((await admin.api.get(`/api/admin/conversations/${c}/export`, reason)).status).toBe(200);
    const minuteFromNow = (sign: number) => encodeURIComponent(new Date(Date.now() + sign * 60_000).toISOString());
    const range = `from=${minuteFromNow(-1)}&to=${minuteFromNow(1)}`;
    expect((await admin.api.get(`/api/admin/audit/export?${range}`, reason)).status).toBe(200);
    expect((await admin.api.get(`/api/admin/audit?conversationId=${c}`, reason)).status).toBe(200);
    const theirs = await auditRowsOf(t.db, admin.id);
    expect(theirs.map((r) => [r.action, r.conversation_id])).toEqual([
      ['admin.conversations.list', null], // who and when, no previews: one event, not a read of each
      ['admin.conversations.view', c],
      ['admin.messages.read', c],
      ['admin.messages.history', c],
      ['admin.conversation.export', c],
      ['admin.audit.export', null],
      ['admin.audit.read', null],
    ]);
    for (const r of theirs) expect(r.details).toMatchObject({ reason: 'Complaint review #12' });
    expect(theirs[2]!.details).toEqual({ count: 3, before: null, after: null, reason: 'Complaint review #12' });
    expect(theirs[6]!.details).toMatchObject({ conversationId: c });
    expect(JSON.stringify([...mine, ...theirs])).not.toMatch(/chest|Secret|Tuesday/);
    // The participants see the reads of content in their access log; listing and viewing the row are not reads.
    const log = (await patient.api.get(`/api/chat/conversations/${c}/access-log`)).body.data;
    expect(log.map((e: any) => e.action)).toEqual([
      'admin.conversation.export',
      'admin.messages.history',
      'admin.messages.read',
    ]);
  });

  it('fail, showing nothing, when their audit row cannot be written; and work again once it can', async () => {
    const { patient, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, SECRET);
    const c = conversation.id;
    const admin = await createAdmin(t);
    const earlier = (await auditRowsOf(t.db, patient.id)).length;
    const reads = [
      { user: patient, path: '/api/chat/conversations' },
      { user: patient, path: `/api/chat/conversations/${c}` },
      { user: patient, path: `/api/chat/conversations/${c}/messages` },
      { user: patient, path: `/api/chat/conversations/${c}/changes?since=0` },
      { user: admin, path: `/api/admin/conversations/${c}` },
      { user: admin, path: `/api/admin/conversations/${c}/messages?reason=audit` },
      { user: admin, path: `/api/admin/messages/${msg.id}/history?reason=audit` },
      { user: admin, path: `/api/admin/conversations/${c}/export?reason=audit` },
    ];
    const undo = [await refuseAuditRowsOf(t.db, patient.id), await refuseAuditRowsOf(t.db, admin.id)];
    try {
      for (const r of reads) {
        const res = await r.user.api.get(r.path);
        expect(res.status, r.path).toBe(500);
        expect(res.body.error.code, r.path).toBe('INTERNAL');
        expect(JSON.stringify(res.body), r.path).not.toMatch(/chest|audit storage/);
      }
    } finally {
      for (const u of undo) await u();
    }
    expect(await auditRowsOf(t.db, patient.id)).toHaveLength(earlier);
    for (const r of reads) expect((await r.user.api.get(r.path)).status, r.path).toBe(200);
    expect(JSON.stringify((await patient.api.get(`/api/chat/conversations/${c}/messages`)).body)).toContain('chest');
  });
});
