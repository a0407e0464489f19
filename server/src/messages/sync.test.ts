import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair, createPatient, sendText } from '../test/factories.js';

const t = useTestApp();

describe('paging', () => {
  it('walks 500 messages backwards and forwards, seeing each exactly once, unshaken by new sends', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    for (let batch = 0; batch < 20; batch++)
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => sendText((batch + i) % 2 ? doctor : patient, conversation.id, `msg ${batch * 25 + i}`)),
      );
    const path = `/api/chat/conversations/${conversation.id}/messages`;

    const backwards: number[] = [];
    let page = await patient.api.get(path);
    expect(page.body.data).toHaveLength(50);
    for (;;) {
      const seqs = page.body.data.map((m: any) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // oldest first within a page
      backwards.unshift(...seqs);
      if (backwards.length === 50) await sendText(doctor, conversation.id, 'arrives while paging'); // must not shift pages
      if (!page.body.hasMore) break;
      page = await patient.api.get(`${path}?before=${seqs[0]}`);
    }
    expect(backwards).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));

    const forwards: number[] = [];
    let after = 0;
    for (;;) {
      const res = await doctor.api.get(`${path}?after=${after}&limit=100`);
      forwards.push(...res.body.data.map((m: any) => m.seq));
      if (!res.body.hasMore) break;
      after = forwards[forwards.length - 1]!;
    }
    expect(forwards).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));

    expect((await patient.api.get(`${path}?limit=101`)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await patient.api.get(`${path}?before=5&after=2`)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await patient.api.get(`${path}?before=abc`)).status).toBe(400);
  }, 60_000);
});

describe('catching up through changes', () => {
  it('gives a device that was away every send, edit, delete, hide and reaction, once, at its latest state', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const a = await sendText(patient, conversation.id, 'before going offline');
    const b = await sendText(doctor, conversation.id, 'b');
    const since = (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastRev;

    // While the patient's phone is away:
    const c = await sendText(doctor, conversation.id, 'new while away');
    await doctor.api.patch(`/api/chat/messages/${b.id}`, { content: 'b, edited' });
    await patient.api.put(`/api/chat/messages/${c.id}/reactions/${encodeURIComponent('🙏')}`); // from the patient's laptop
    const d = await sendText(doctor, conversation.id, 'sent then deleted');
    await doctor.api.delete(`/api/chat/messages/${d.id}?scope=everyone`);
    await patient.api.delete(`/api/chat/messages/${a.id}?scope=self`); // from the laptop
    await doctor.api.patch(`/api/chat/messages/${c.id}`, { content: 'new while away, edited' });

    const lastRev = (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastRev;
    const seen: any[] = [];
    let cursor = since;
    for (;;) {
      const res = await patient.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${cursor}&limit=2`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      if (!res.body.hasMore) break;
      cursor = res.body.data[res.body.data.length - 1].rev;
    }
    const revs = seen.map((m) => m.rev);
    expect(revs).toEqual([...revs].sort((x, y) => x - y));
    expect(new Set(seen.map((m) => m.id)).size).toBe(seen.length);
    expect(Math.max(...revs)).toBe(lastRev);
    const byId = new Map(seen.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([a.id, b.id, c.id, d.id].sort());
    expect(byId.get(a.id)).toMatchObject({ hiddenForMe: true, content: null });
    expect(byId.get(b.id)).toMatchObject({ content: 'b, edited' });
    expect(byId.get(c.id)).toMatchObject({ content: 'new while away, edited', reactions: [{ emoji: '🙏', userIds: [patient.id] }] });
    expect(byId.get(d.id)).toMatchObject({ content: null });
    expect(byId.get(d.id).deletedAt).not.toBeNull();

    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${lastRev}`)).body).toEqual({ data: [], hasMore: false });
    // The doctor never hid anything: for them the patient's hide is not a change.
    const forDoctor = await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${since}`);
    expect(forDoctor.body.data.find((m: any) => m.id === a.id)).toBeUndefined();

    const stranger = await createPatient(t);
    expect((await stranger.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`)).status).toBe(404);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}/changes`)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a message created while away shows up through messages?after= as well', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'seen');
    const missed = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content: 'missed' });
    const res = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages?after=1`);
    expect(res.body.data.map((m: any) => m.id)).toEqual([missed.body.id]);
  });
});
