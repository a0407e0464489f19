import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import {
  clientId,
  createAdmin,
  createPair,
  createPatient,
  createStaff,
  sendText,
  setCareTeam,
  type TestUser,
} from '../test/factories.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);
const view = async (user: TestUser, conversationId: string) =>
  (await user.api.get(`/api/chat/conversations/${conversationId}`)).body;
const sendMany = async (user: TestUser, conversationId: string, n: number) => {
  const sent = [];
  for (let i = 0; i < n; i++) sent.push(await sendText(user, conversationId, `message ${i + 1}`));
  return sent;
};
const isoNear = (at: string) => Math.abs(Date.parse(at) - Date.now()) < 10_000;

describe('delivery receipts', () => {
  it('move the watermark forward only, never past the last message, and tell both participants', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d1, d2] = await Promise.all([connect(patient.token), connect(doctor.token), connect(doctor.token)]);
    await sendMany(patient, conversation.id, 3);
    expect((await view(patient, conversation.id)).peerLastDeliveredSeq).toBe(0);

    expect(await d1.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 2 })).toEqual({ ok: true });
    for (const s of [p, d1, d2]) {
      const ev = await s.waitFor('chat:delivered', (e) => e.conversationId === conversation.id);
      expect(ev).toEqual({ conversationId: conversation.id, userId: doctor.id, upToSeq: 2, at: expect.any(String) });
      expect(isoNear(ev.at)).toBe(true);
    }
    expect((await view(patient, conversation.id)).peerLastDeliveredSeq).toBe(2);
    // Delivery is not reading.
    expect(await view(patient, conversation.id)).toMatchObject({ peerLastReadSeq: 0 });
    expect(await view(doctor, conversation.id)).toMatchObject({ unreadCount: 3, lastReadSeq: 0 });

    // Backwards and equal receipts change nothing and tell nobody.
    expect((await d1.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 1 })).ok).toBe(true);
    expect((await d1.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 2 })).ok).toBe(true);
    // Past the end stops at the last message.
    expect((await d2.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 1000 })).ok).toBe(true);
    const capped = await p.waitFor('chat:delivered', (e) => e.upToSeq !== 2);
    expect(capped).toMatchObject({ userId: doctor.id, upToSeq: 3 });
    await p.roundTrip();
    expect(p.all('chat:delivered').map((e) => e.upToSeq)).toEqual([2, 3]);
    expect((await view(patient, conversation.id)).peerLastDeliveredSeq).toBe(3);

    // The next message is not "delivered" in advance by the earlier oversized receipt.
    await sendText(patient, conversation.id, 'four');
    expect((await view(patient, conversation.id)).peerLastDeliveredSeq).toBe(3);
  });

  it('are for participants only: someone else gets NOT_FOUND, hears nothing, and moves nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const [p, s] = await Promise.all([connect(patient.token), connect(stranger.token)]);
    await sendText(doctor, conversation.id, 'hello');
    expect(await s.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 1 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await s.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 1 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const rest = await stranger.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 1 });
    expect(rest.status).toBe(404);
    expect(rest.body.error.code).toBe('NOT_FOUND');

    await p.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 1 });
    await s.roundTrip();
    expect(s.all('chat:read')).toHaveLength(0);
    expect(s.all('chat:delivered')).toHaveLength(0);
    expect(s.all('conversation:updated')).toHaveLength(0);
    expect(await view(doctor, conversation.id)).toMatchObject({ peerLastReadSeq: 1, peerLastDeliveredSeq: 1 });
  });

  it('refuse malformed input with VALIDATION_FAILED', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await connect(patient.token);
    for (const payload of [
      { conversationId: conversation.id, upToSeq: -1 },
      { conversationId: conversation.id, upToSeq: 1.5 },
      { conversationId: conversation.id },
      { conversationId: 'nope', upToSeq: 1 },
    ]) {
      expect((await p.emitAck('chat:delivered', payload)).error.code).toBe('VALIDATION_FAILED');
      expect((await p.emitAck('chat:read', payload)).error.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: -1 })).body.error.code,
    ).toBe('VALIDATION_FAILED');
    expect((await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, {})).status).toBe(400);
  });
});

describe('read receipts', () => {
  it('by socket: forward only, capped at the last message, both told, the reader’s other devices updated', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d1, d2] = await Promise.all([connect(patient.token), connect(doctor.token), connect(doctor.token)]);
    await sendMany(patient, conversation.id, 4);

    const ack = await d1.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 2 });
    expect(ack).toEqual({ ok: true, lastReadSeq: 2, unreadCount: 2 });
    for (const s of [p, d1, d2]) {
      const ev = await s.waitFor('chat:read', (e) => e.conversationId === conversation.id);
      expect(ev).toEqual({ conversationId: conversation.id, userId: doctor.id, upToSeq: 2, at: expect.any(String) });
      expect(isoNear(ev.at)).toBe(true);
    }
    const updated = await d2.waitFor('conversation:updated', (c) => c.id === conversation.id);
    expect(updated).toMatchObject({ id: conversation.id, lastReadSeq: 2, unreadCount: 2, lastSeq: 4 });
    // The update is the doctor's own view; the patient is not sent the doctor's badge.
    await p.roundTrip();
    expect(p.all('conversation:updated')).toHaveLength(0);

    // What the patient sees of the doctor.
    expect(await view(patient, conversation.id)).toMatchObject({ peerLastReadSeq: 2, peerLastDeliveredSeq: 2 });
    expect(await view(doctor, conversation.id)).toMatchObject({ lastReadSeq: 2, unreadCount: 2, peerLastReadSeq: 4 });

    // Backwards: nothing moves, nobody is told, the ack says where it stands.
    expect(await d1.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 1 })).toEqual({
      ok: true,
      lastReadSeq: 2,
      unreadCount: 2,
    });
    expect(await d1.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 2 })).toEqual({
      ok: true,
      lastReadSeq: 2,
      unreadCount: 2,
    });
    await Promise.all([p, d2].map((s) => s.roundTrip()));
    expect(p.all('chat:read')).toHaveLength(1);
    expect(d2.all('conversation:updated')).toHaveLength(1);

    // Past the end stops at the last message, so a later message is still unread.
    expect(await d2.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 500 })).toEqual({
      ok: true,
      lastReadSeq: 4,
      unreadCount: 0,
    });
    expect(await p.waitFor('chat:read', (e) => e.upToSeq === 4)).toMatchObject({ userId: doctor.id });
    await d1.waitFor(
      'conversation:updated',
      (c) => c.id === conversation.id && c.lastReadSeq === 4 && c.unreadCount === 0,
    );
    await sendText(patient, conversation.id, 'five');
    expect(await view(doctor, conversation.id)).toMatchObject({ lastReadSeq: 4, unreadCount: 1 });
    expect((await view(patient, conversation.id)).peerLastReadSeq).toBe(4);
  });

  it('by REST: the same watermark, answer and events', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    await sendMany(doctor, conversation.id, 3);

    const res = await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lastReadSeq: 2, unreadCount: 1 });
    expect(await d.waitFor('chat:read', (e) => e.userId === patient.id)).toMatchObject({
      conversationId: conversation.id,
      upToSeq: 2,
    });
    // The REST caller's sockets are its other devices: they update their badge.
    expect(await p.waitFor('conversation:updated', (c) => c.id === conversation.id)).toMatchObject({
      lastReadSeq: 2,
      unreadCount: 1,
    });

    expect((await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 0 })).body).toEqual({
      lastReadSeq: 2,
      unreadCount: 1,
    });
    expect((await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 99 })).body).toEqual({
      lastReadSeq: 3,
      unreadCount: 0,
    });
    expect(await view(doctor, conversation.id)).toMatchObject({ peerLastReadSeq: 3, peerLastDeliveredSeq: 3 });
    await d.roundTrip();
    expect(d.all('chat:read', (e) => e.userId === patient.id).map((e) => e.upToSeq)).toEqual([2, 3]);
  });

  it('concurrent reads from two devices end at the highest, never lower', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [d1, d2] = await Promise.all([connect(doctor.token), connect(doctor.token)]);
    await sendMany(patient, conversation.id, 6);
    await Promise.all([
      d1.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 5 }),
      d2.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 3 }),
      doctor.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 4 }),
      d1.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 2 }),
    ]);
    expect(await view(doctor, conversation.id)).toMatchObject({ lastReadSeq: 5, unreadCount: 1 });
    expect(await view(patient, conversation.id)).toMatchObject({ peerLastReadSeq: 5, peerLastDeliveredSeq: 5 });
  });
});

describe('unread counts', () => {
  it('count the peer’s messages above my watermark, not deleted for everyone and not hidden for me', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const unread = async (u: TestUser) => (await view(u, conversation.id)).unreadCount;
    const listed = async (u: TestUser) =>
      (await u.api.get('/api/chat/conversations')).body.data.find((c: any) => c.id === conversation.id).unreadCount;

    const [m1, m2, m3, m4] = await sendMany(patient, conversation.id, 4);
    expect(await unread(doctor)).toBe(4);
    expect(await listed(doctor)).toBe(4);
    // My own messages are never unread for me.
    expect(await unread(patient)).toBe(0);

    // The peer deletes one for everyone: it no longer counts.
    await patient.api.delete(`/api/chat/messages/${m2.id}?scope=everyone`);
    expect(await unread(doctor)).toBe(3);
    // I hide one for myself: it no longer counts for me.
    await doctor.api.delete(`/api/chat/messages/${m3.id}?scope=self`);
    expect(await unread(doctor)).toBe(2);
    // The peer hides one of theirs for themself: it is still there for me, so it still counts.
    await patient.api.delete(`/api/chat/messages/${m4.id}?scope=self`);
    expect(await unread(doctor)).toBe(2);
    expect(await listed(doctor)).toBe(2);

    // Reading past m1 leaves only m4.
    expect(
      (await doctor.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: m1.seq })).body,
    ).toEqual({
      lastReadSeq: 1,
      unreadCount: 1,
    });
    // A read answer agrees with the conversation view, for every watermark.
    for (const upToSeq of [2, 3, 4]) {
      const res = await doctor.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq });
      expect(res.body.unreadCount).toBe(await unread(doctor));
    }
    expect(await unread(doctor)).toBe(0);

    await sendText(patient, conversation.id, 'five');
    await sendText(patient, conversation.id, 'six');
    expect(await unread(doctor)).toBe(2);
    expect(await listed(doctor)).toBe(2);
  });

  it('sending marks everything before it read for the sender, and the peer sees that watermark', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await connect(patient.token);
    await sendMany(doctor, conversation.id, 3);
    expect(await view(patient, conversation.id)).toMatchObject({ unreadCount: 3, lastReadSeq: 0 });

    // By socket.
    const ack = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'got them all',
    });
    expect(ack.message.seq).toBe(4);
    expect(await view(patient, conversation.id)).toMatchObject({ unreadCount: 0, lastReadSeq: 4 });
    expect(await view(doctor, conversation.id)).toMatchObject({
      unreadCount: 1,
      peerLastReadSeq: 4,
      peerLastDeliveredSeq: 4,
    });

    // By REST, after more from the doctor.
    await sendMany(doctor, conversation.id, 2);
    expect((await view(patient, conversation.id)).unreadCount).toBe(2);
    await sendText(patient, conversation.id, 'thanks');
    expect(await view(patient, conversation.id)).toMatchObject({ unreadCount: 0, lastReadSeq: 7 });
    // The doctor's own watermark moved when they sent, too.
    expect(await view(doctor, conversation.id)).toMatchObject({ lastReadSeq: 6, unreadCount: 1 });
  });
});

describe('readers: every other participant’s watermarks in the conversation itself', () => {
  const reader = (user: TestUser, lastReadSeq: number, lastDeliveredSeq = lastReadSeq) => ({
    userId: user.id,
    lastReadSeq,
    lastDeliveredSeq,
  });
  const byUser = (readers: { userId: string }[]) => [...readers].sort((a, b) => a.userId.localeCompare(b.userId));
  const listed = async (user: TestUser, conversationId: string) => {
    const res = await user.api.get('/api/chat/conversations?limit=100');
    return (res.body.data as { id: string; readers: { userId: string }[] }[]).find((c) => c.id === conversationId);
  };

  it('one to one name just the other person, in the view and the list', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    await sendMany(patient, conversation.id, 2);
    expect((await doctor.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 1 })).status).toBe(200);
    expect((await view(patient, conversation.id)).readers).toEqual([reader(doctor, 1)]);
    expect((await listed(patient, conversation.id))?.readers).toEqual([reader(doctor, 1)]);
    expect((await view(doctor, conversation.id)).readers).toEqual([reader(patient, 2)]);
  });

  it('with a care team name each of the others, never a blocked member; an admin sees everyone', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [joy, max] = await Promise.all([createStaff(t, 'RN'), createStaff(t, 'MA')]);
    await setCareTeam(t, doctor, [joy, max]);
    await sendMany(patient, conversation.id, 3);
    expect((await joy.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 2 })).status).toBe(200);

    // The team joined before any message: its marks start at 0, and only Joy read since.
    const others = [reader(doctor, 0), reader(joy, 2), reader(max, 0)];
    expect(byUser((await view(patient, conversation.id)).readers)).toEqual(byUser(others));
    expect(byUser((await listed(patient, conversation.id))?.readers ?? [])).toEqual(byUser(others));
    expect(byUser((await view(joy, conversation.id)).readers)).toEqual(
      byUser([reader(patient, 3), reader(doctor, 0), reader(max, 0)]),
    );
    const admin = await createAdmin(t);
    const asAdmin = await admin.api.get(`/api/admin/conversations/${conversation.id}`);
    expect(byUser(asAdmin.body.readers)).toEqual(byUser([reader(patient, 3), ...others]));

    await t.service.put(`/api/integration/users/${max.id}`, { name: max.name, role: 'STAFF', status: 'blocked' });
    expect(byUser((await view(patient, conversation.id)).readers)).toEqual(byUser([reader(doctor, 0), reader(joy, 2)]));
  });
});
