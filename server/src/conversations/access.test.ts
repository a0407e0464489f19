import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { signJwt, uniqueId } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from '../auth/password.js';
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
import { connectClient, type TestSocket } from '../test/socket-client.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);

/** Resolves with the reason once the server has disconnected `s` (listen right after connecting). */
const disconnection = (s: TestSocket) =>
  new Promise<string>((resolve) => s.socket.once('disconnect', (reason) => resolve(reason)));

const putAppointment = (id: string, patient: TestUser, doctor: TestUser, status: string) =>
  t.service.put(`/api/integration/appointments/${id}`, {
    patientId: patient.id,
    doctorId: doctor.id,
    startsAt: new Date().toISOString(),
    status,
  });

/** The person signed in again by the host: a new token (the old one's session ended for good). */
const signedInAfresh = (user: TestUser): TestUser => {
  const token = signJwt({ sub: user.id, role: user.role, name: user.name, exp: Math.floor(Date.now() / 1000) + 600 });
  return { ...user, token, api: new HttpClient(t.url, token) };
};

const putUser = (user: TestUser, status: string) =>
  t.service.put(`/api/integration/users/${user.id}`, { name: user.name, role: user.role, status });

const sendRest = (user: TestUser, conversationId: string, content = 'hello') =>
  user.api.post(`/api/chat/conversations/${conversationId}/messages`, { clientMessageId: clientId(), content });

describe('appointments gate conversations', () => {
  it('refuses a pair with no appointment (as an unknown id), or only a cancelled one (NO_APPOINTMENT)', async () => {
    const [patient, doctor, other] = await Promise.all([createPatient(t), createDoctor(t), createDoctor(t)]);
    await createAppointment(t, patient, other, 'cancelled');
    const unknown = await patient.api.post('/api/chat/conversations', { participantId: uniqueId('nobody') });
    expect(unknown.status).toBe(404);
    const never = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect({ status: never.status, body: never.body }).toEqual({ status: unknown.status, body: unknown.body });
    const ended = await patient.api.post('/api/chat/conversations', { participantId: other.id });
    expect(ended.status).toBe(403);
    expect(ended.body.error.code).toBe('NO_APPOINTMENT');
    // Nor from the doctor's side.
    const fromDoctor = await doctor.api.post('/api/chat/conversations', { participantId: patient.id });
    expect(fromDoctor.body).toEqual(unknown.body);
    expect((await patient.api.get('/api/chat/contacts')).body.data).toEqual([]);
    expect((await doctor.api.get('/api/chat/contacts')).body.data).toEqual([]);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM conversations WHERE patient_id = $1', [
      patient.id,
    ]);
    expect(rows[0].n).toBe(0);

    await createAppointment(t, patient, doctor, 'completed');
    const contacts = (await patient.api.get('/api/chat/contacts')).body.data;
    expect(contacts.map((c: any) => c.id)).toEqual([doctor.id]);
    expect((await doctor.api.get('/api/chat/contacts')).body.data.map((c: any) => c.id)).toEqual([patient.id]);
    const opened = await doctor.api.post('/api/chat/conversations', { participantId: patient.id });
    expect(opened.status).toBe(201);
    // Get or create: the patient opening it gets the same conversation.
    const again = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(opened.body.id);
    expect((await patient.api.post('/api/chat/conversations', { participantId: 'nobody-here' })).status).toBe(404);
  });

  it('lists as contacts only people of the other role with a shared live appointment', async () => {
    const [patient, seen, cancelled, stranger, otherPatient] = await Promise.all([
      createPatient(t),
      createDoctor(t, `Dr. Seen ${crypto.randomUUID().slice(0, 6)}`),
      createDoctor(t),
      createDoctor(t),
      createPatient(t),
    ]);
    await createAppointment(t, patient, seen, 'scheduled');
    await createAppointment(t, patient, cancelled, 'cancelled');
    await createAppointment(t, otherPatient, stranger, 'scheduled');
    expect((await patient.api.get('/api/chat/contacts')).body.data.map((c: any) => c.id)).toEqual([seen.id]);
    const [contact] = (await patient.api.get('/api/chat/contacts')).body.data;
    expect(contact).toMatchObject({ id: seen.id, name: seen.name, role: 'DOCTOR' });
    expect(
      (await patient.api.get(`/api/chat/contacts?q=${encodeURIComponent('Seen')}`)).body.data.map((c: any) => c.id),
    ).toEqual([seen.id]);
    expect((await patient.api.get('/api/chat/contacts?q=zzz-nobody')).body.data).toEqual([]);
    // A stranger doctor is neither a contact nor reachable, nor told apart from no one.
    expect((await patient.api.post('/api/chat/conversations', { participantId: stranger.id })).body.error.code).toBe(
      'NOT_FOUND',
    );
  });

  it('a doctor with more patients than one page of contacts opens a conversation with any of them', async () => {
    const doctor = await createDoctor(t);
    const tag = uniqueId('busy');
    const patients = await createPatientsOf(t, doctor, 205, tag);
    // The contact list is one page of 200 by name, saying there is more; the last patient by name is past it.
    const page = (await doctor.api.get('/api/chat/contacts')).body;
    const contacts = page.data.map((c: any) => c.id);
    expect(contacts).toHaveLength(200);
    expect(page.hasMore).toBe(true);
    expect(contacts).not.toContain(patients[204]!.id);
    const opened = await doctor.api.post('/api/chat/conversations', { participantId: patients[204]!.id });
    expect(opened.status).toBe(201);
    // Searching by name still finds them.
    expect((await doctor.api.get(`/api/chat/contacts?q=${encodeURIComponent(`204 ${tag}`)}`)).body).toMatchObject({
      data: [{ id: patients[204]!.id }],
      hasMore: false,
    });
  });

  it('cancelling the last shared appointment stops sends at once; history stays readable', async () => {
    const { patient, doctor, conversation, appointmentId } = await createPair(t);
    const second = await createAppointment(t, patient, doctor, 'scheduled');
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    await sendText(patient, conversation.id, 'before cancellation');

    // One of two appointments cancelled: still open.
    expect((await putAppointment(appointmentId, patient, doctor, 'cancelled')).status).toBe(200);
    expect((await sendRest(doctor, conversation.id, 'still here')).status).toBe(201);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.canMessage).toBe(true);

    // The last one cancelled: closed, and both people are told.
    expect((await putAppointment(second, patient, doctor, 'cancelled')).status).toBe(200);
    for (const s of [p, d])
      await s.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage === false);
    const ack = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'after',
    });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('NO_APPOINTMENT');
    const rest = await sendRest(doctor, conversation.id, 'after');
    expect(rest.status).toBe(403);
    expect(rest.body.error.code).toBe('NO_APPOINTMENT');
    const history = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.data.map((m: any) => m.content)).toEqual(['before cancellation', 'still here']);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.canMessage).toBe(false);
    expect((await patient.api.get('/api/chat/contacts')).body.data).toEqual([]);

    // A new appointment opens it again.
    await createAppointment(t, patient, doctor, 'scheduled');
    await d.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage === true);
    expect((await sendRest(patient, conversation.id, 'back again')).status).toBe(201);
  });

  it('moving the last appointment to another doctor closes the old conversation and tells both', async () => {
    const { patient, doctor, conversation, appointmentId } = await createPair(t);
    const otherDoctor = await createDoctor(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    expect((await putAppointment(appointmentId, patient, otherDoctor, 'scheduled')).status).toBe(200);
    for (const s of [p, d])
      await s.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage === false);
    expect((await sendRest(patient, conversation.id)).body.error.code).toBe('NO_APPOINTMENT');
    expect((await patient.api.post('/api/chat/conversations', { participantId: otherDoctor.id })).status).toBe(201);
  });

  it('admins take no part in conversations', async () => {
    const { patient, conversation } = await createPair(t);
    const admin = await createAdmin(t);
    const res = await admin.api.post('/api/chat/conversations', { participantId: patient.id });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await admin.api.get('/api/chat/contacts')).body.data).toEqual([]);
    expect((await sendRest(admin, conversation.id)).status).toBe(404);
    expect((await admin.api.get(`/api/chat/conversations/${conversation.id}/messages`)).status).toBe(404);
  });
});

describe('non-participants learn nothing', () => {
  it('get NOT_FOUND on every door into someone else’s conversation, and change nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, 'private');
    const d = await connect(doctor.token);
    const stranger = await createPatient(t);
    const base = `/api/chat/conversations/${conversation.id}`;
    const thumbs = encodeURIComponent('👍');
    const replies = await Promise.all([
      stranger.api.get(base),
      stranger.api.get(`${base}/messages`),
      stranger.api.get(`${base}/messages?after=0`),
      stranger.api.get(`${base}/changes?since=0`),
      stranger.api.post(`${base}/messages`, { clientMessageId: clientId(), content: 'hi' }),
      stranger.api.post(`${base}/read`, { upToSeq: 1 }),
      stranger.api.patch(base, { archived: true }),
      stranger.api.patch(`/api/chat/messages/${msg.id}`, { content: 'x' }),
      stranger.api.delete(`/api/chat/messages/${msg.id}?scope=self`),
      stranger.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`),
      stranger.api.put(`/api/chat/messages/${msg.id}/reactions/${thumbs}`),
      stranger.api.delete(`/api/chat/messages/${msg.id}/reactions/${thumbs}`),
    ]);
    for (const r of replies) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
      expect(JSON.stringify(r.body)).not.toContain('private');
    }
    // The same answer as for a conversation that does not exist.
    expect((await stranger.api.get(`/api/chat/conversations/${crypto.randomUUID()}`)).body).toEqual(replies[0]!.body);
    const s = await connect(stranger.token);
    const ref = { conversationId: conversation.id };
    for (const [event, payload] of [
      ['chat:message', { ...ref, clientMessageId: clientId(), content: 'hi' }],
      ['chat:typing:start', ref],
      ['chat:typing:stop', ref],
      ['chat:join', ref],
      ['chat:read', { ...ref, upToSeq: 1 }],
      ['chat:delivered', { ...ref, upToSeq: 1 }],
      ['chat:edit', { messageId: msg.id, content: 'x' }],
      ['chat:delete', { messageId: msg.id, scope: 'self' }],
      ['chat:delete', { messageId: msg.id, scope: 'everyone' }],
      ['chat:react', { messageId: msg.id, emoji: '👍', on: true }],
    ] as const) {
      const ack = await s.emitAck(event, payload);
      expect(ack.ok, event).toBe(false);
      expect(ack.error.code, event).toBe('NOT_FOUND');
    }
    expect((await stranger.api.get('/api/chat/conversations')).body.data.map((c: any) => c.id)).not.toContain(
      conversation.id,
    );

    // Nothing reached the participants, and the message is as it was.
    await d.roundTrip();
    expect(d.received.filter((e) => e.name !== 'presence:update')).toEqual([]);
    const page = await doctor.api.get(`${base}/messages`);
    expect(page.body.data).toEqual([msg]);
    expect((await doctor.api.get(base)).body).toMatchObject({ lastSeq: 1, peerLastReadSeq: 1 });
  });

  it('patients and doctors get FORBIDDEN from every admin endpoint, which does nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, 'kept');
    const c = `/api/admin/conversations/${conversation.id}`;
    const now = new Date().toISOString();
    for (const user of [patient, doctor]) {
      const replies = await Promise.all([
        user.api.get('/api/admin/conversations'),
        user.api.get(c),
        user.api.get(`${c}/messages`),
        user.api.get(`${c}/export`),
        user.api.get(`/api/admin/messages/${msg.id}/history`),
        user.api.get('/api/admin/audit'),
        user.api.get(`/api/admin/audit/export?from=${now}&to=${now}`),
        user.api.get('/api/admin/audit/verify'),
        user.api.put(`${c}/legal-hold`, { hold: true }),
        user.api.post(`${c}/shred`),
        user.api.post(`/api/admin/users/${patient.id}/block`),
        user.api.post(`/api/admin/users/${doctor.id}/unblock`),
      ]);
      for (const r of replies) {
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('FORBIDDEN');
      }
    }
    // Unauthenticated callers are told to sign in.
    expect((await t.anon.get('/api/admin/conversations')).status).toBe(401);
    const { rows } = await t.db.query(
      'SELECT legal_hold, shredded_at, wrapped_key IS NOT NULL AS has_key FROM conversations WHERE id = $1',
      [conversation.id],
    );
    expect(rows[0]).toEqual({ legal_hold: false, shredded_at: null, has_key: true });
    expect(
      (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data.map(
        (m: any) => m.content,
      ),
    ).toEqual(['kept']);
    expect((await patient.api.get('/api/auth/me')).body.user.status).toBe('active');
    const audit = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE actor_id = ANY($1) AND action LIKE 'admin.%'`,
      [[patient.id, doctor.id]],
    );
    expect(audit.rows[0].n).toBe(0);
  });
});

describe('blocked and deleted users', () => {
  for (const how of ['admin', 'integration'] as const)
    it(`are cut off at once when blocked through the ${how} API, sockets included, until unblocked`, async () => {
      const { patient, doctor, conversation } = await createPair(t);
      const [p1, p2, d] = await Promise.all([connect(patient.token), connect(patient.token), connect(doctor.token)]);
      const gone = [disconnection(p1), disconnection(p2)];
      const admin = await createAdmin(t);
      const res =
        how === 'admin'
          ? await admin.api.post(`/api/admin/users/${patient.id}/block`)
          : await putUser(patient, 'blocked');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: patient.id, status: 'blocked' });
      for (const s of [p1, p2])
        expect(await s.waitFor('session:ended')).toEqual({ reason: 'blocked', code: 'USER_BLOCKED' });
      expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
      // The peer stays connected and is refused when writing.
      expect(d.socket.connected).toBe(true);
      expect(d.all('session:ended')).toEqual([]);
      const me = await patient.api.get('/api/chat/conversations');
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('UNAUTHENTICATED');
      await expect(connectClient(t.url, { token: patient.token })).rejects.toThrow('UNAUTHENTICATED');
      const ack = await d.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: 'hello?',
      });
      expect(ack.error.code).toBe('USER_BLOCKED');
      const rest = await sendRest(doctor, conversation.id, 'hello?');
      expect(rest.status).toBe(403);
      expect(rest.body.error.code).toBe('USER_BLOCKED');
      expect((await doctor.api.get('/api/chat/contacts')).body.data.map((c: any) => c.id)).not.toContain(patient.id);
      expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.canMessage).toBe(false);
      expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).status).toBe(200);

      const unblock =
        how === 'admin'
          ? await admin.api.post(`/api/admin/users/${patient.id}/unblock`)
          : await putUser(patient, 'active');
      expect(unblock.status).toBe(200);
      expect(unblock.body.status).toBe('active');
      // Like a password session, the token's session ended for good: the host signs them in afresh.
      expect((await patient.api.get('/api/auth/me')).status).toBe(401);
      const back = signedInAfresh(patient);
      expect((await sendRest(back, conversation.id, 'back')).status).toBe(201);
      const again = await connect(back.token);
      expect(again.socket.connected).toBe(true);
      expect(
        (
          await d.emitAck('chat:message', {
            conversationId: conversation.id,
            clientMessageId: clientId(),
            content: 'welcome back',
          })
        ).ok,
      ).toBe(true);
    });

  it('a blocked user’s password sessions end for good; after unblocking they sign in afresh', async () => {
    const id = uniqueId('pw');
    const email = `${id}@clinic.test`;
    await upsertUsers(t.db, [
      { id, name: `Pat ${id}`, email, role: 'PATIENT', status: 'active', passwordHash: await hashPassword('pw-123') },
    ]);
    const signIn = () => t.anon.post('/api/auth/login', { email, password: 'pw-123' });
    const token = (await signIn()).body.accessToken;
    const api = new HttpClient(t.url, token);
    const s = await connect(token);
    const gone = disconnection(s);
    const admin = await createAdmin(t);
    expect((await admin.api.post(`/api/admin/users/${id}/block`)).status).toBe(200);
    expect((await s.waitFor('session:ended')).code).toBe('USER_BLOCKED');
    expect(await gone).toBe('io server disconnect');
    expect((await api.get('/api/auth/me')).status).toBe(401);
    const refused = await signIn();
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('USER_BLOCKED');
    expect(refused.headers.get('set-cookie')).toBeNull();

    expect((await admin.api.post(`/api/admin/users/${id}/unblock`)).status).toBe(200);
    expect((await api.get('/api/auth/me')).status).toBe(401); // the old session stays ended
    const again = await signIn();
    expect(again.status).toBe(200);
    expect((await new HttpClient(t.url, again.body.accessToken).get('/api/auth/me')).status).toBe(200);
  });

  it('a blocked doctor is refused too, and cannot be opened a conversation with', async () => {
    const [patient, doctor] = await Promise.all([createPatient(t), createDoctor(t)]);
    await createAppointment(t, patient, doctor);
    await putUser(doctor, 'blocked');
    const res = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('USER_BLOCKED');
    expect((await patient.api.get('/api/chat/contacts')).body.data).toEqual([]);
  });

  it('tells a doctor nothing of people with no shared appointment: registered, blocked or not, unknown', async () => {
    const [doctor, registered, blocked, ended, endedBlocked] = await Promise.all([
      createDoctor(t),
      createPatient(t),
      createPatient(t),
      createPatient(t),
      createPatient(t),
    ]);
    await putUser(blocked, 'blocked');
    await createAppointment(t, ended, doctor, 'cancelled');
    await createAppointment(t, endedBlocked, doctor, 'cancelled');
    await putUser(endedBlocked, 'blocked');
    const open = async (participantId: string) => {
      const res = await doctor.api.post('/api/chat/conversations', { participantId });
      return { status: res.status, body: res.body };
    };
    const unknown = await open(uniqueId('patient'));
    expect(unknown).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: expect.any(String) } } });
    expect(await open(registered.id)).toEqual(unknown);
    expect(await open(blocked.id)).toEqual(unknown);
    // People they did share one with still hear why.
    expect(await open(ended.id)).toMatchObject({ status: 403, body: { error: { code: 'NO_APPOINTMENT' } } });
    expect(await open(endedBlocked.id)).toMatchObject({ status: 403, body: { error: { code: 'USER_BLOCKED' } } });
  });

  it('a deleted user is disconnected, cannot sign in or be messaged, and is restored only by the host', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await connect(doctor.token);
    const gone = disconnection(d);
    expect((await putUser(doctor, 'deleted')).body.status).toBe('deleted');
    expect(await d.waitFor('session:ended')).toEqual({ reason: 'deleted', code: 'UNAUTHENTICATED' });
    expect(await gone).toBe('io server disconnect');
    expect((await doctor.api.get('/api/auth/me')).status).toBe(401);
    await expect(connectClient(t.url, { token: doctor.token })).rejects.toThrow('UNAUTHENTICATED');
    // A fresh token for the same person does not bring them back either.
    const fresh = signJwt({
      sub: doctor.id,
      role: 'DOCTOR',
      name: doctor.name,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    await expect(connectClient(t.url, { token: fresh })).rejects.toThrow('UNAUTHENTICATED');
    const res = await sendRest(patient, conversation.id, 'hi');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('USER_BLOCKED');
    expect((await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).status).toBe(404);

    // An admin's "unblock" does not undo a deletion (nor does "block" touch it).
    const admin = await createAdmin(t);
    for (const action of ['unblock', 'block']) {
      const r = await admin.api.post(`/api/admin/users/${doctor.id}/${action}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect((await doctor.api.get('/api/auth/me')).status).toBe(401);
    const { rows } = await t.db.query('SELECT status FROM users WHERE id = $1', [doctor.id]);
    expect(rows[0].status).toBe('deleted');

    expect((await putUser(doctor, 'active')).body.status).toBe('active');
    expect((await doctor.api.get('/api/auth/me')).status).toBe(401);
    expect((await signedInAfresh(doctor).api.get('/api/auth/me')).status).toBe(200);
    expect((await sendRest(patient, conversation.id, 'hi again')).status).toBe(201);
  });
});
