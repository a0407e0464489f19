import { describe, expect, it } from 'vitest';
import { startTestApp } from '../test/app.js';
import { auditRowsOf } from '../test/audit.js';
import { createAdmin, createPair, sendText, type TestUser } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

// Every hour of every day is working time here, and three conversations make a run.
const ALWAYS = { OVERSIGHT_WORKING_HOURS: '00:00-24:00', OVERSIGHT_WORKING_DAYS: '1,2,3,4,5,6,7' };
const t = useTestApp({ ...ALWAYS, OVERSIGHT_BURST_CONVERSATIONS: '3', OVERSIGHT_BURST_MINUTES: '10' });

const read = async (admin: TestUser, conversationId: string, reason?: string) => {
  const query = reason ? `?reason=${encodeURIComponent(reason)}` : '';
  expect((await admin.api.get(`/api/admin/conversations/${conversationId}/transcript${query}`)).status).toBe(200);
};
const since = (start: number) =>
  `from=${new Date(start - 1000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;

describe('the oversight page: the reads that need a look', () => {
  it('lists reads with no reason given, not those with one nor participants’ own, and is itself audited', async () => {
    const start = Date.now();
    const admin = await createAdmin(t);
    const a = await createPair(t);
    const b = await createPair(t);
    await sendText(a.patient, a.conversation.id, 'private');
    await read(admin, a.conversation.id, 'Complaint #12');
    await read(admin, b.conversation.id);
    expect((await a.patient.api.get(`/api/chat/conversations/${a.conversation.id}/messages`)).status).toBe(200);

    const res = await admin.api.get(`/api/admin/oversight?${since(start)}`);
    expect(res.status).toBe(200);
    const mine = res.body.noReason.items.filter((e: any) => e.actorId === admin.id);
    expect(mine.map((e: any) => [e.action, e.conversationId, e.details.reason])).toEqual([
      ['admin.messages.read', b.conversation.id, 'no reason given'],
    ]);
    // Each item is the audit row itself, to open in the log: id, names, chained.
    expect(mine[0]).toMatchObject({ actorName: admin.name, chained: true, conversationName: expect.any(String) });
    expect(res.body.noReason.items.some((e: any) => e.actorId === a.patient.id)).toBe(false);
    expect(res.body.noReason.count).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(res.body)).not.toContain('private');

    const viewed = await auditRowsOf(t.db, admin.id, 'admin.oversight.read');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ conversation_id: null, details: { noReason: res.body.noReason.count } });
    expect((await a.patient.api.get('/api/admin/oversight')).status).toBe(403);
    expect((await admin.api.get('/api/admin/oversight?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(
      400,
    );
  });

  it('lists reads outside working hours by the configured hours', async () => {
    const start = Date.now();
    const admin = await createAdmin(t);
    const { conversation } = await createPair(t);
    await read(admin, conversation.id, 'Audit sample');
    const isMine = (e: any) => e.actorId === admin.id && e.conversationId === conversation.id;

    // Here every hour is a working hour: not listed.
    const inside = await admin.api.get(`/api/admin/oversight?${since(start)}`);
    expect(inside.body.outsideHours.items.some(isMine)).toBe(false);
    expect(inside.body.rules.workingHours).toEqual({
      start: '00:00',
      end: '24:00',
      days: [1, 2, 3, 4, 5, 6, 7],
      timeZone: 'UTC',
    });

    // A server whose working hour is twelve hours away (in UTC, every day) lists the same read.
    // (The browser test leaves out today's weekday instead.)
    const hour = (new Date().getUTCHours() + 12) % 24;
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const other = await startTestApp({
      OVERSIGHT_WORKING_HOURS: `${hh(hour)}-${hh(hour + 1)}`,
      OVERSIGHT_WORKING_DAYS: '1,2,3,4,5,6,7',
    });
    try {
      const res = await fetch(`${other.url}/api/admin/oversight?${since(start)}`, {
        headers: { authorization: `Bearer ${admin.token}` },
      });
      const body = (await res.json()) as any;
      expect(body.outsideHours.items.filter(isMine).map((e: any) => e.action)).toEqual(['admin.messages.read']);
      expect(body.outsideHours.count).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
    }
  });

  it('lists one reader opening many distinct conversations in a short time, not many reads of a few', async () => {
    const start = Date.now();
    const busy = await createAdmin(t);
    const careful = await createAdmin(t);
    const pairs = await Promise.all([createPair(t), createPair(t), createPair(t)]);
    for (const p of pairs) await read(busy, p.conversation.id, 'Sampling');
    // Four reads of two conversations: many reads, but two conversations only.
    for (const p of [...pairs.slice(0, 2), ...pairs.slice(0, 2)]) await read(careful, p.conversation.id, 'Review');

    const res = await busy.api.get(`/api/admin/oversight?${since(start)}`);
    expect(res.status).toBe(200);
    expect(res.body.rules.burst).toEqual({ conversations: 3, minutes: 10 });
    const runs = res.body.bursts.items.filter((r: any) => r.actorId === busy.id);
    expect(runs).toEqual([
      {
        actorId: busy.id,
        actorName: busy.name,
        actorRole: 'ADMIN',
        from: expect.any(String),
        to: expect.any(String),
        conversations: 3,
        reads: 3,
      },
    ]);
    expect(Date.parse(runs[0].from)).toBeLessThanOrEqual(Date.parse(runs[0].to));
    expect(res.body.bursts.items.some((r: any) => r.actorId === careful.id)).toBe(false);
    expect(res.body.bursts.count).toBeGreaterThanOrEqual(1);
  });
});
