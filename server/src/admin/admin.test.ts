import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { signJwt, uniqueId } from '../test/app.js';
import {
  clientId,
  createAdmin,
  createAppointment,
  createDoctor,
  createPair,
  createPatient,
  sendText,
  type TestUser,
  createPatientsOf,
} from '../test/factories.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from '../auth/password.js';
import type { Reply } from '../test/http-client.js';

const t = useTestApp();

/** Every page of an admin list, following nextCursor. */
async function allPages(admin: TestUser, path: string): Promise<any[]> {
  const seen: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: Reply = await admin.api.get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    seen.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('admin reads', () => {
  it('list any conversation with name search on either participant and cursor paging', async () => {
    const admin = await createAdmin(t);
    const tag = crypto.randomUUID().slice(0, 8);
    const doctor = await createDoctor(t, `Dr. Search ${tag}`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const patient = await createPatient(t, `Patient ${tag} ${i}`);
      await createAppointment(t, patient, doctor);
      const conv = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
      await sendText(patient, conv.id, `question ${i}`);
      ids.push(conv.id);
    }
    const pages: number[] = [];
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const res = await admin.api.get(
        `/api/admin/conversations?q=${encodeURIComponent(`Search ${tag}`)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body.data.length);
      seen.push(...res.body.data.map((c: any) => c.id));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse()); // newest activity first, each once

    // By the patient's name too; the admin sees both participants.
    const byPatient = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`Patient ${tag} 3`)}`);
    expect(byPatient.body.data.map((c: any) => c.id)).toEqual([ids[3]]);
    expect(byPatient.body.data[0]).toMatchObject({
      patient: { name: `Patient ${tag} 3`, role: 'PATIENT' },
      doctor: { id: doctor.id, name: `Dr. Search ${tag}`, role: 'DOCTOR' },
      lastSeq: 1,
    });
    // New activity moves a conversation to the front.
    const [first] = (await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`Patient ${tag} 0`)}`)).body
      .data;
    await sendText(doctor, first.id, 'reply');
    const top = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`Search ${tag}`)}&limit=1`);
    expect(top.body.data[0].id).toBe(ids[0]);
    expect((await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(`nobody ${tag}`)}`)).body).toEqual({
      data: [],
      nextCursor: null,
    });
    expect((await admin.api.get('/api/admin/conversations?cursor=not-a-cursor')).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('read a transcript, and each read is audited with who, where from and the outcome', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'first');
    await sendText(doctor, conversation.id, 'second');
    const transcript = await admin.api.request(
      'GET',
      `/api/admin/conversations/${conversation.id}/messages`,
      undefined,
      { 'user-agent': 'audit-test/1.0' },
    );
    expect(transcript.status).toBe(200);
    expect(transcript.body.data.map((m: any) => m.content)).toEqual(['first', 'second']);
    expect(transcript.body.hasMore).toBe(false);

    const audit = await admin.api.get(`/api/admin/audit?actorId=${admin.id}&action=admin.messages.read`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actorId: admin.id,
      actorRole: 'ADMIN',
      action: 'admin.messages.read',
      conversationId: conversation.id,
      ip: '127.0.0.1',
      userAgent: 'audit-test/1.0',
      outcome: 'success',
    });
    expect(Math.abs(Date.parse(audit.body.data[0].at) - Date.now())).toBeLessThan(60_000);
    // The participants see that someone outside opened it.
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE conversation_id = $1 AND action = 'admin.messages.read'`,
      [conversation.id],
    );
    expect(rows[0].n).toBe(1);

    // Paging like a participant: before/after by seq.
    const older = await admin.api.get(`/api/admin/conversations/${conversation.id}/messages?before=2`);
    expect(older.body.data.map((m: any) => m.content)).toEqual(['first']);
    expect(
      (await admin.api.get(`/api/admin/audit?actorId=${admin.id}&action=admin.messages.read`)).body.data,
    ).toHaveLength(2);
    expect((await admin.api.get(`/api/admin/conversations/${crypto.randomUUID()}/messages`)).status).toBe(404);
  });
});

describe('the audit trail', () => {
  it('records sign-ins that succeed and fail, with address and user agent', async () => {
    const admin = await createAdmin(t);
    const id = uniqueId('u');
    const email = `${id}@clinic.test`;
    await upsertUsers(t.db, [
      { id, name: 'Signing In', email, role: 'DOCTOR', status: 'active', passwordHash: await hashPassword('pw') },
    ]);
    const agent = `login-test/${id}`;
    const since = new Date(Date.now() - 1000).toISOString();
    expect(
      (await t.anon.request('POST', '/api/auth/login', { email, password: 'wrong' }, { 'user-agent': agent })).status,
    ).toBe(401);
    expect(
      (await t.anon.request('POST', '/api/auth/login', { email, password: 'pw' }, { 'user-agent': agent })).status,
    ).toBe(200);
    expect(
      (
        await t.anon.request(
          'POST',
          '/api/auth/login',
          { email: `${id}-unknown@clinic.test`, password: 'pw' },
          { 'user-agent': agent },
        )
      ).status,
    ).toBe(401);

    const mine = (await admin.api.get(`/api/admin/audit?actorId=${id}&action=auth.login`)).body.data;
    expect(mine.map((e: any) => e.outcome)).toEqual(['success', 'failure']); // newest first
    for (const e of mine)
      expect(e).toMatchObject({
        actorId: id,
        actorRole: 'DOCTOR',
        action: 'auth.login',
        ip: '127.0.0.1',
        userAgent: agent,
      });
    // An unknown email has no actor; it is still recorded.
    const recent = await allPages(
      admin,
      `/api/admin/audit?action=auth.login&from=${encodeURIComponent(since)}&limit=200`,
    );
    const unknown = recent.filter((e) => e.userAgent === agent && e.actorId === null);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ outcome: 'failure', ip: '127.0.0.1' });
  });

  it('records participants’ reads, syncs; filters by actor, conversation, action, time; pages by cursor', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const before = new Date(Date.now() - 1000).toISOString();
    await sendText(patient, conversation.id, 'hello');
    for (let i = 0; i < 3; i++) await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    await patient.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`);
    await doctor.api.request('GET', `/api/chat/conversations/${conversation.id}/changes?since=0`, undefined, {
      'user-agent': 'doctor-app/2',
    });
    const after = new Date(Date.now() + 1000).toISOString();

    const all = (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}`)).body;
    expect(all.nextCursor).toBeNull();
    expect(all.data.map((e: any) => e.action)).toEqual([
      'messages.sync',
      'messages.sync',
      'messages.read',
      'messages.read',
      'messages.read',
      'messages.send', // read from the message row itself (migration 0019), not chained
    ]);
    expect(all.data.map((e: any) => e.chained)).toEqual([true, true, true, true, true, false]);
    expect(all.data.map((e: any) => Date.parse(e.at))).toEqual(
      [...all.data.map((e: any) => Date.parse(e.at))].sort((a, b) => b - a),
    );
    expect(all.data[0]).toMatchObject({
      actorId: doctor.id,
      actorRole: 'DOCTOR',
      conversationId: conversation.id,
      userAgent: 'doctor-app/2',
      outcome: 'success',
      ip: '127.0.0.1',
    });
    expect(all.data.slice(1).every((e: any) => e.actorId === patient.id && e.actorRole === 'PATIENT')).toBe(true);

    const byActor = (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&actorId=${doctor.id}`))
      .body.data;
    expect(byActor.map((e: any) => e.id)).toEqual([all.data[0].id]);
    const reads = (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&action=messages.read`)).body
      .data;
    expect(reads.map((e: any) => e.id)).toEqual(all.data.slice(2, 5).map((e: any) => e.id));
    const patientSyncs = (await admin.api.get(`/api/admin/audit?actorId=${patient.id}&action=messages.sync`)).body.data;
    expect(patientSyncs.map((e: any) => e.id)).toEqual([all.data[1].id]);

    // Time range: [from, to).
    const range = `from=${encodeURIComponent(before)}&to=${encodeURIComponent(after)}`;
    const inRange = (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&${range}`)).body.data;
    expect(inRange.map((e: any) => e.id)).toEqual(all.data.map((e: any) => e.id));
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&from=${encodeURIComponent(future)}`))
        .body.data,
    ).toEqual([]);
    expect(
      (await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&to=${encodeURIComponent(before)}`)).body
        .data,
    ).toEqual([]);
    const splitAt = all.data[2].at; // the newest read
    const upToSplit = (
      await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&to=${encodeURIComponent(splitAt)}`)
    ).body.data;
    expect(upToSplit.every((e: any) => Date.parse(e.at) <= Date.parse(splitAt))).toBe(true);
    expect(upToSplit.map((e: any) => e.id)).not.toContain(all.data[2].id);
    const fromSplit = (
      await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&from=${encodeURIComponent(splitAt)}`)
    ).body.data;
    expect(fromSplit.length + upToSplit.length).toBe(6);

    // Cursor paging walks every event once, newest first.
    const pages: number[] = [];
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await admin.api.get(
          `/api/admin/audit?conversationId=${conversation.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).body;
      pages.push(page.data.length);
      walked.push(...page.data.map((e: any) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([2, 2, 2]);
    expect(walked).toEqual(all.data.map((e: any) => e.id));

    // A cursor this server never gave out is refused, not read as "from the start".
    const bogus = await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}&limit=2&cursor=abc`);
    expect(bogus.status).toBe(400);
    expect(bogus.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bogus.body.error.message).toContain('cursor');
    expect((await admin.api.get('/api/admin/audit?from=yesterday')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.api.get('/api/admin/audit?conversationId=not-a-uuid')).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('never holds message text, edited or not', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const secret = `audit-secret-${crypto.randomUUID()}`;
    const edited = `audit-edited-${crypto.randomUUID()}`;
    const reply = `audit-reply-${crypto.randomUUID()}`;
    const msg = await sendText(patient, conversation.id, secret);
    expect((await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: edited })).status).toBe(200);
    expect(
      (
        await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
          clientMessageId: clientId(),
          content: reply,
          replyToId: msg.id,
        })
      ).status,
    ).toBe(201);
    await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`);
    await admin.api.get(`/api/admin/conversations/${conversation.id}/messages`);
    await admin.api.get(`/api/admin/messages/${msg.id}/history`);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE conversation_id = $1`, [
      conversation.id,
    ]);
    expect(rows[0].n).toBeGreaterThanOrEqual(4);
    for (const text of [secret, edited, reply, secret.slice(0, 40)]) {
      const hit = await t.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE audit_events::text LIKE $1`, [
        `%${text}%`,
      ]);
      expect(hit.rows[0].n).toBe(0);
    }
    const listed = JSON.stringify((await admin.api.get(`/api/admin/audit?conversationId=${conversation.id}`)).body);
    for (const text of [secret, edited, reply]) expect(listed).not.toContain(text);
  });

  it('records blocks, and cannot be altered, deleted or truncated', async () => {
    const admin = await createAdmin(t);
    const patient = await createPatient(t);
    await admin.api.post(`/api/admin/users/${patient.id}/block`);
    const events = await admin.api.get(`/api/admin/audit?action=admin.user.block&actorId=${admin.id}`);
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({ targetId: patient.id, outcome: 'success', actorRole: 'ADMIN' });
    const count = async () =>
      (await t.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1`, [admin.id])).rows[0].n;
    const n = await count();
    expect(n).toBeGreaterThan(0);
    // The server's own connections work as carechat_app, which has no right to change or remove events.
    expect((await t.db.query('SELECT current_user AS u')).rows[0].u).toBe('carechat_app');
    await expect(
      t.db.query(`UPDATE audit_events SET outcome = 'failure' WHERE actor_id = $1`, [admin.id]),
    ).rejects.toThrow(/permission denied/);
    await expect(t.db.query(`DELETE FROM audit_events WHERE actor_id = $1`, [admin.id])).rejects.toThrow(
      /permission denied/,
    );
    // Even the tables' owner is stopped by the trigger. In a transaction that is rolled back
    // whatever happens: the table is shared by every test file.
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE NONE');
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      await client.query('SAVEPOINT s');
      await expect(
        client.query(`UPDATE audit_events SET outcome = 'failure' WHERE actor_id = $1`, [admin.id]),
      ).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query(`DELETE FROM audit_events WHERE actor_id = $1`, [admin.id])).rejects.toThrow(
        /append-only/,
      );
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await count()).toBe(n);
    const { rows } = await t.db.query(
      `SELECT outcome FROM audit_events WHERE actor_id = $1 AND action = 'admin.user.block'`,
      [admin.id],
    );
    expect(rows).toEqual([{ outcome: 'success' }]);
    expect((await admin.api.post(`/api/admin/users/nobody-${Date.now()}/block`)).status).toBe(404);
  });
});

describe('blocking a person', () => {
  it('tells the people they talk with at once that the conversation is closed, and open again on unblock', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const admin = await createAdmin(t);
    const p = await t.connect(patient.token);
    const closed = (c: { id: string; canMessage: boolean }) => c.id === conversation.id && !c.canMessage;
    expect((await admin.api.post(`/api/admin/users/${doctor.id}/block`)).status).toBe(200);
    expect(await p.waitFor('conversation:updated', closed)).toMatchObject({ id: conversation.id, canMessage: false });
    expect((await admin.api.post(`/api/admin/users/${doctor.id}/unblock`)).status).toBe(200);
    await p.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage);

    // The host platform blocking them through the integration API does the same.
    const res = await t.service.put(`/api/integration/users/${doctor.id}`, {
      name: doctor.name,
      role: 'DOCTOR',
      status: 'blocked',
    });
    expect(res.status).toBe(200);
    await p.waitFor('conversation:updated', (c) => closed(c) && p.all('conversation:updated', closed).length >= 2);
  });

  it('tells every connected patient of a doctor with more than a thousand of them', async () => {
    const admin = await createAdmin(t);
    const doctor = await createDoctor(t);
    const patients = await createPatientsOf(t, doctor, 1005);
    const inGroups = async <T, R>(items: T[], size: number, f: (item: T) => Promise<R>): Promise<R[]> => {
      const out: R[] = [];
      for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
      return out;
    };
    const conversations = await inGroups(patients, 25, async (p) => {
      const res = await doctor.api.post('/api/chat/conversations', { participantId: p.id });
      expect(res.status).toBe(201);
      return res.body.id as string;
    });
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const sockets = await inGroups(patients, 50, (p) =>
      t.connect(signJwt({ sub: p.id, role: 'PATIENT', name: p.name, exp })),
    );

    expect((await admin.api.post(`/api/admin/users/${doctor.id}/block`)).status).toBe(200);
    await Promise.all(
      sockets.map((s, i) =>
        s.waitFor('conversation:updated', (c) => c.id === conversations[i] && !c.canMessage, 30_000),
      ),
    );
  }, 120_000);

  it('is told by a host sync only where something changed, in either direction', async () => {
    const { patient, doctor, conversation, appointmentId } = await createPair(t);
    const p = await t.connect(patient.token);
    const person = (u: TestUser, status = 'active') => ({ id: u.id, name: u.name, role: u.role, status });
    const appointment = (status: string) => ({
      id: appointmentId,
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: new Date().toISOString(),
      status,
    });
    const sync = async (doctorStatus: string, appointmentStatus: string) =>
      expect(
        (
          await t.service.post('/api/integration/batch', {
            users: [person(patient), person(doctor, doctorStatus)],
            appointments: [appointment(appointmentStatus)],
          })
        ).status,
      ).toBe(200);
    const updates = () => p.all('conversation:updated', (c) => c.id === conversation.id).map((c) => c.canMessage);

    await sync('active', 'scheduled'); // everything as it was: nobody is told
    await sync('blocked', 'scheduled');
    await p.waitFor('conversation:updated', (c) => c.id === conversation.id && !c.canMessage);
    await sync('active', 'scheduled'); // unblocked by the host: told too
    await p.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage);
    await sync('active', 'cancelled');
    await p.waitFor('conversation:updated', (c) => c.id === conversation.id && !c.canMessage && updates().length === 3);
    await sync('active', 'cancelled'); // as it was again
    // Whatever the sync told this socket was sent before its response: one round trip on the
    // socket after it, and anything sent is in.
    expect((await p.emitAck('chat:join', { conversationId: conversation.id })).ok).toBe(true);
    expect(updates()).toEqual([false, true, false]);
  });
});
