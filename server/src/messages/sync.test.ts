import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { auditValues, type AuditRecord } from '../audit/audit.store.js';
import { clientId, createPair, createPatient, sendText, type TestUser } from '../test/factories.js';
import { planOf, rowsRead } from '../test/plans.js';
import { findChanges } from './messages.store.js';

const t = useTestApp();

const thumbs = encodeURIComponent('👍');
const pray = encodeURIComponent('🙏');

/** What a device does on reconnecting: every change after `since`, `limit` at a time. */
async function catchUp(user: TestUser, conversationId: string, since: number, limit?: number) {
  const changes: any[] = [];
  const pageSizes: number[] = [];
  let cursor = since;
  for (;;) {
    const res = await user.api.get(
      `/api/chat/conversations/${conversationId}/changes?since=${cursor}${limit ? `&limit=${limit}` : ''}`,
    );
    expect(res.status).toBe(200);
    const data: any[] = res.body.data;
    if (res.body.hasMore) expect(data.length).toBe(limit ?? 100);
    changes.push(...data);
    pageSizes.push(data.length);
    if (!res.body.hasMore) break;
    cursor = data[data.length - 1].rev;
  }
  return { changes, pageSizes };
}

const conversationOf = async (user: TestUser, id: string) => {
  const res = await user.api.get(`/api/chat/conversations/${id}`);
  expect(res.status).toBe(200);
  return res.body;
};

/** Every message the user can see, by a normal page read. */
async function history(user: TestUser, conversationId: string): Promise<any[]> {
  const all: any[] = [];
  for (let after = 0; ;) {
    const res = await user.api.get(`/api/chat/conversations/${conversationId}/messages?after=${after}&limit=100`);
    expect(res.status).toBe(200);
    all.push(...res.body.data);
    if (!res.body.hasMore) return all;
    after = all[all.length - 1].seq;
  }
}

const expectByRev = (changes: any[]) => {
  const revs = changes.map((m) => m.rev);
  for (let i = 1; i < revs.length; i++) expect(revs[i]).toBeGreaterThan(revs[i - 1]);
  expect(new Set(changes.map((m) => m.id)).size).toBe(changes.length);
};

describe('catching up through changes?since=rev', () => {
  it('gives a device that was away each send, edit, delete, hide and reaction, once, in its latest state', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const cid = conversation.id;
    const a = await sendText(patient, cid, 'a: hidden later by the patient');
    const b = await sendText(doctor, cid, 'b: edited later');
    const untouched = await sendText(doctor, cid, 'untouched');
    const y = await sendText(patient, cid, 'y: reacted to and un-reacted');

    // The phone synced everything, then went away knowing the newest rev.
    const initial = await catchUp(patient, cid, 0);
    const since = Math.max(...initial.changes.map((m) => m.rev));
    expect(since).toBe((await conversationOf(patient, cid)).lastRev);

    // While the phone is away (the patient acts from a laptop):
    const c = await sendText(doctor, cid, 'c: new while away');
    expect((await doctor.api.patch(`/api/chat/messages/${b.id}`, { content: 'b, edited' })).status).toBe(200);
    expect((await patient.api.put(`/api/chat/messages/${c.id}/reactions/${pray}`)).status).toBe(200);
    const d = await sendText(doctor, cid, 'd: sent then deleted');
    expect((await patient.api.put(`/api/chat/messages/${d.id}/reactions/${thumbs}`)).status).toBe(200);
    expect((await doctor.api.delete(`/api/chat/messages/${d.id}?scope=everyone`)).status).toBe(204);
    expect((await patient.api.delete(`/api/chat/messages/${a.id}?scope=self`)).status).toBe(204);
    expect(
      (await doctor.api.patch(`/api/chat/messages/${c.id}`, { content: 'c: new while away, edited' })).status,
    ).toBe(200);
    expect((await doctor.api.put(`/api/chat/messages/${y.id}/reactions/${thumbs}`)).status).toBe(200);
    expect((await doctor.api.delete(`/api/chat/messages/${y.id}/reactions/${thumbs}`)).status).toBe(200);
    const e = await sendText(patient, cid, 'e: sent from the laptop');
    expect(
      (await patient.api.patch(`/api/chat/messages/${e.id}`, { content: 'e: sent from the laptop, edited' })).status,
    ).toBe(200);

    const lastRev = (await conversationOf(patient, cid)).lastRev;
    const { changes, pageSizes } = await catchUp(patient, cid, since, 2);
    expect(pageSizes.length).toBeGreaterThan(2); // really paged
    expectByRev(changes);
    expect(changes.every((m) => m.rev > since)).toBe(true);
    expect(Math.max(...changes.map((m) => m.rev))).toBe(lastRev);
    expect(changes.map((m) => m.id).sort()).toEqual([a.id, b.id, c.id, d.id, e.id, y.id].sort());

    // Each at its latest state: what a fresh read shows now.
    const now = new Map((await history(patient, cid)).map((m) => [m.id, m]));
    for (const m of changes) if (m.id !== a.id) expect(m).toEqual(now.get(m.id));
    const byId = new Map(changes.map((m) => [m.id, m]));
    expect(byId.get(a.id)).toMatchObject({ hiddenForMe: true, content: null, reactions: [] });
    expect(now.has(a.id)).toBe(false);
    expect(byId.get(b.id)).toMatchObject({ content: 'b, edited' });
    expect(byId.get(b.id).editedAt).not.toBeNull();
    expect(byId.get(c.id)).toMatchObject({
      content: 'c: new while away, edited',
      reactions: [{ emoji: '🙏', userIds: [patient.id] }],
    });
    expect(byId.get(d.id)).toMatchObject({ content: null, reactions: [], seq: d.seq });
    expect(byId.get(d.id).deletedAt).not.toBeNull();
    expect(byId.get(e.id)).toMatchObject({ content: 'e: sent from the laptop, edited' });
    expect(byId.get(y.id)).toMatchObject({ content: y.content, reactions: [] });

    // Caught up: nothing more, and a page read never shows a rev beyond lastRev.
    expect((await patient.api.get(`/api/chat/conversations/${cid}/changes?since=${lastRev}`)).body).toEqual({
      data: [],
      hasMore: false,
    });
    for (const m of now.values()) expect(m.rev).toBeLessThanOrEqual(lastRev);
    expect(now.get(untouched.id).rev).toBeLessThanOrEqual(since);

    // The doctor never hid anything: for them the patient's hide is not a change.
    const forDoctor = await catchUp(doctor, cid, since);
    expectByRev(forDoctor.changes);
    expect(forDoctor.changes.map((m) => m.id).sort()).toEqual([b.id, c.id, d.id, e.id, y.id].sort());
    expect(Math.max(...forDoctor.changes.map((m) => m.rev))).toBe((await conversationOf(doctor, cid)).lastRev);
  });

  it('keeps lastRev reachable for each viewer when the last change was the other person hiding a message', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const cid = conversation.id;
    const m = await sendText(patient, cid, 'hidden by the doctor only');
    const since = (await conversationOf(patient, cid)).lastRev;
    expect((await doctor.api.delete(`/api/chat/messages/${m.id}?scope=self`)).status).toBe(204);

    // The patient has nothing new to fetch, and lastRev must say so.
    const forPatient = await catchUp(patient, cid, since);
    expect(forPatient.changes).toEqual([]);
    expect((await conversationOf(patient, cid)).lastRev).toBe(since);

    // The doctor gets the hide, and their lastRev is its rev.
    const forDoctor = await catchUp(doctor, cid, since);
    expect(forDoctor.changes).toHaveLength(1);
    expect(forDoctor.changes[0]).toMatchObject({ id: m.id, hiddenForMe: true, content: null });
    expect(forDoctor.changes[0].rev).toBe((await conversationOf(doctor, cid)).lastRev);
    expect(forDoctor.changes[0].rev).toBeGreaterThan(since);

    // A later shared change moves both past it.
    const next = await sendText(patient, cid, 'after the hide');
    expect((await conversationOf(patient, cid)).lastRev).toBe(next.rev);
    expect((await conversationOf(doctor, cid)).lastRev).toBe(next.rev);
    expect((await catchUp(patient, cid, since)).changes.map((x) => x.id)).toEqual([next.id]);
  });

  it('loses nothing for a device that polls while both people send, edit and react at once', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const cid = conversation.id;
    const seen = new Map<string, any>();
    let since = 0;
    const poll = async () => {
      const { changes } = await catchUp(patient, cid, since, 7);
      expectByRev(changes);
      for (const m of changes) {
        expect(m.rev).toBeGreaterThan(since);
        seen.set(m.id, m);
      }
      if (changes.length) since = changes[changes.length - 1].rev;
    };
    let busy = true;
    const poller = (async () => {
      while (busy) await poll();
    })();
    const act = async (user: TestUser, n: number) => {
      for (let i = 0; i < n; i++) {
        const m = await sendText(user, cid, `${user.role} ${i}`);
        await Promise.all([
          user.api.patch(`/api/chat/messages/${m.id}`, { content: `${user.role} ${i} edited` }),
          (user === patient ? doctor : patient).api.put(`/api/chat/messages/${m.id}/reactions/${thumbs}`),
        ]);
      }
    };
    await Promise.all([act(patient, 12), act(doctor, 12)]);
    busy = false;
    await poller;
    await poll();

    const now = await history(patient, cid);
    expect(now).toHaveLength(24);
    expect(since).toBe((await conversationOf(patient, cid)).lastRev);
    expect([...seen.values()].sort((x, y) => x.seq - y.seq)).toEqual(now);
    for (const m of now) expect(m.content).toMatch(/edited$/);
  });

  it('validates since and limit, and shows nothing to anyone else', async () => {
    const { patient, conversation } = await createPair(t);
    const path = `/api/chat/conversations/${conversation.id}/changes`;
    for (const query of ['', '?since=-1', '?since=abc', '?since=0&limit=501', '?since=0&limit=0']) {
      const res = await patient.api.get(path + query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
      expect(res.body.error.message, query).toMatch(/since|limit/);
    }
    await sendText(patient, conversation.id, 'one');
    const max = await patient.api.get(`${path}?since=0&limit=500`);
    expect(max.status).toBe(200);
    expect(max.body.data).toHaveLength(1);
    expect(max.body.hasMore).toBe(false);

    const stranger = await createPatient(t);
    expect((await stranger.api.get(`${path}?since=0`)).status).toBe(404);
  });

  it('a message created while away shows up through messages?after= as well', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'seen');
    const missed = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'missed',
    });
    const res = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages?after=1`);
    expect(res.body.data).toEqual([missed.body]);
  });

  it('pages of one keep rev order when an earlier message is hidden after later ones were sent', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const cid = conversation.id;
    const since = (await conversationOf(patient, cid)).lastRev;
    const first = await sendText(doctor, cid, 'first, hidden later');
    const second = await sendText(doctor, cid, 'second');
    const third = await sendText(patient, cid, 'third');
    expect((await patient.api.delete(`/api/chat/messages/${first.id}?scope=self`)).status).toBe(204);
    for (const limit of [1, 2, 100]) {
      const { changes } = await catchUp(patient, cid, since, limit);
      expectByRev(changes);
      // The hide is the latest change: the first message comes last, hidden.
      expect(changes.map((m) => m.id)).toEqual([second.id, third.id, first.id]);
      expect(changes[2]).toMatchObject({ hiddenForMe: true, content: null });
    }
    // From after the hide, nothing; from between the sends and the hide, only the hide.
    expect((await catchUp(patient, cid, (await conversationOf(patient, cid)).lastRev)).changes).toEqual([]);
    expect((await catchUp(patient, cid, third.rev, 1)).changes.map((m) => m.id)).toEqual([first.id]);
  });

  it('reads what changed after since, not the whole conversation, however long it is', async () => {
    const { patient, conversation } = await createPair(t);
    const cid = conversation.id;
    // 3,000 messages written directly; nothing here decrypts them.
    await t.db.query(
      `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id)
       SELECT gen_random_uuid(), $1, n, n, $2, $3 || n FROM generate_series(1, 3000) AS n`,
      [cid, patient.id, clientId()],
    );
    await t.db.query('UPDATE conversations SET last_seq = 3000, last_rev = 3000 WHERE id = $1', [cid]);
    const c = await t.db.connect();
    try {
      const audit: AuditRecord = {
        actorId: patient.id,
        actorRole: 'PATIENT',
        action: 'messages.sync',
        outcome: 'success',
        conversationId: cid,
      };
      const { rows } = await findChanges(c, patient.id, cid, 2995, 100, audit);
      expect(rows.map((r) => r.seq)).toEqual([2996, 2997, 2998, 2999, 3000]);
      // The statement just run, as this connection keeps it, executed again and measured (its audit row rolled back).
      const values = [patient.id, cid, 2995, 101, ...auditValues(audit)];
      await c.query('BEGIN');
      // EXECUTE takes no bound parameters: the same values, as literals.
      const literal = (v: unknown) =>
        v === null || v === undefined
          ? 'NULL'
          : typeof v === 'number'
            ? String(v)
            : c.escapeLiteral(typeof v === 'string' ? v : JSON.stringify(v));
      const { rows: explained } = await c.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "message-changes-audited"(${values.map(literal).join(', ')})`,
      );
      await c.query('ROLLBACK');
      const messagesRead = rowsRead(planOf(explained), 'messages');
      expect(messagesRead).toBeGreaterThan(0);
      expect(messagesRead).toBeLessThan(50);
    } finally {
      c.release();
    }
  });
});
