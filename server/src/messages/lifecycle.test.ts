import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createAdmin, createPair, createPatient, sendText } from '../test/factories.js';
import { until } from '../test/socket-client.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);

describe('edits', () => {
  it('reach both participants; the sender only, within 15 minutes, keeping the old text for admins', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(patient, conversation.id, 'My BP was 150/95');
    const ack = await p.emitAck('chat:edit', { messageId: msg.id, content: 'My BP was 140/90' });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({ id: msg.id, seq: msg.seq, content: 'My BP was 140/90' });
    expect(ack.message.editedAt).not.toBeNull();
    expect(ack.message.rev).toBeGreaterThan(msg.rev);
    expect((await d.waitFor('chat:edited', (m) => m.id === msg.id)).content).toBe('My BP was 140/90');

    const byDoctor = await d.emitAck('chat:edit', { messageId: msg.id, content: 'hijack' });
    expect(byDoctor.error.code).toBe('FORBIDDEN');
    const stranger = await createPatient(t);
    expect((await stranger.api.patch(`/api/chat/messages/${msg.id}`, { content: 'x' })).body.error.code).toBe(
      'NOT_FOUND',
    );

    await t.db.query(`UPDATE messages SET created_at = now() - interval '16 minutes' WHERE id = $1`, [msg.id]);
    const late = await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EDIT_WINDOW_EXPIRED');

    const admin = await createAdmin(t);
    const history = await admin.api.get(`/api/admin/messages/${msg.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.message.content).toBe('My BP was 140/90');
    expect(history.body.versions.map((v: any) => v.content)).toEqual(['My BP was 150/95']);
    expect((await patient.api.get(`/api/admin/messages/${msg.id}/history`)).status).toBe(403);
  });
});

describe('deletes', () => {
  it('for everyone: sender only, keeps id and seq with no content, both participants told', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'Take 2 tablets');
    expect((await p.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).error.code).toBe('FORBIDDEN');
    expect((await d.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).ok).toBe(true);
    for (const s of [p, d]) {
      const ev = await s.waitFor('chat:deleted', (e) => e.messageId === msg.id);
      expect(ev).toEqual({ conversationId: conversation.id, messageId: msg.id, seq: msg.seq, scope: 'everyone' });
    }
    const page = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data[0]).toMatchObject({ id: msg.id, seq: msg.seq, content: null });
    expect(page.body.data[0].deletedAt).not.toBeNull();
    // Once deleted it cannot be edited or reacted to.
    expect((await d.emitAck('chat:edit', { messageId: msg.id, content: 'again' })).ok).toBe(false);
    expect((await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true })).ok).toBe(false);
  });

  it('for self: either participant, only their own view and devices', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p1, p2, d] = await Promise.all([connect(patient.token), connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'See you Tuesday');
    const res = await patient.api.delete(`/api/chat/messages/${msg.id}?scope=self`);
    expect(res.status).toBe(204);
    await p1.waitFor('chat:deleted', (e) => e.messageId === msg.id && e.scope === 'self');
    await p2.waitFor('chat:deleted', (e) => e.messageId === msg.id && e.scope === 'self');
    await d.roundTrip();
    expect(d.all('chat:deleted')).toHaveLength(0);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data).toEqual([]);
    const forDoctor = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(forDoctor.body.data.map((m: any) => m.content)).toEqual(['See you Tuesday']);
  });

  it('and edits of the newest message refresh the conversation lists: preview and unread count', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d1, d2] = await Promise.all([connect(patient.token), connect(doctor.token), connect(doctor.token)]);
    const cid = conversation.id;
    await sendText(patient, cid, 'Rash on my arm');
    const second = await sendText(patient, cid, 'Wrong chat, sorry');
    const listed = (s: typeof d1, match: (c: any) => boolean) =>
      s.waitFor('conversation:updated', (c) => c.id === cid && match(c));

    // Deleted for everyone: the doctor's list no longer shows it, nor counts it unread.
    expect((await p.emitAck('chat:delete', { messageId: second.id, scope: 'everyone' })).ok).toBe(true);
    expect(
      await listed(d1, (c) => c.lastMessage?.id === second.id && c.lastMessage.preview === 'Message deleted'),
    ).toMatchObject({ unreadCount: 1 });

    // The newest message edited: both lists show the new text.
    const third = await sendText(patient, cid, 'Rash on my left arm');
    expect((await p.emitAck('chat:edit', { messageId: third.id, content: 'Rash on my left arm, spreading' })).ok).toBe(
      true,
    );
    for (const s of [p, d1]) await listed(s, (c) => c.lastMessage?.preview === 'Rash on my left arm, spreading');

    // Hidden by the doctor on one device: the other device's list moves to the message before it.
    expect((await d1.emitAck('chat:delete', { messageId: third.id, scope: 'self' })).ok).toBe(true);
    await listed(d2, (c) => c.lastMessage?.id === second.id);
  });
});

describe('reactions', () => {
  it('one per person and emoji, shown to both, by socket and REST', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'Results are normal');
    const on = await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    expect(on.message.reactions).toEqual([{ emoji: '👍', userIds: [patient.id] }]);
    await d.waitFor('chat:reaction', (m) => m.id === msg.id && m.reactions.length === 1);
    const twice = await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    expect(twice.message.reactions).toEqual([{ emoji: '👍', userIds: [patient.id] }]);
    const rest = await doctor.api.put(`/api/chat/messages/${msg.id}/reactions/${encodeURIComponent('👍')}`);
    expect(rest.body.reactions).toEqual([{ emoji: '👍', userIds: [patient.id, doctor.id] }]);
    const heart = await doctor.api.put(`/api/chat/messages/${msg.id}/reactions/${encodeURIComponent('❤️')}`);
    expect(heart.body.reactions.map((r: any) => r.emoji)).toEqual(['👍', '❤️']);
    const off = await patient.api.delete(`/api/chat/messages/${msg.id}/reactions/${encodeURIComponent('👍')}`);
    expect(off.body.reactions).toEqual([
      { emoji: '👍', userIds: [doctor.id] },
      { emoji: '❤️', userIds: [doctor.id] },
    ]);
    await p.waitFor('chat:reaction', (m) => m.id === msg.id && m.reactions.length === 2);
    expect((await p.emitAck('chat:react', { messageId: msg.id, emoji: 'ok', on: true })).error.code).toBe(
      'VALIDATION_FAILED',
    );
    const stranger = await createPatient(t);
    expect((await stranger.api.put(`/api/chat/messages/${msg.id}/reactions/${encodeURIComponent('👍')}`)).status).toBe(
      404,
    );
  });
});

describe('changes to a message while it is replied to', () => {
  it('never deadlock: reactions, edits and deletes racing replies to the same message all succeed', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const failures: string[] = [];
    for (let i = 0; i < 60; i++) {
      const original = await sendText(patient, conversation.id, `Question ${i}`);
      const change =
        i % 3 === 0
          ? p.emitAck('chat:edit', { messageId: original.id, content: `Question ${i}, edited` })
          : i % 3 === 1
            ? d.emitAck('chat:react', { messageId: original.id, emoji: '👍', on: true })
            : p.emitAck('chat:delete', { messageId: original.id, scope: 'self' });
      const reply = d.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: `Answer ${i}`,
        replyToId: original.id,
      });
      for (const ack of await Promise.all([change, reply])) if (!ack.ok) failures.push(ack.error.code);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('receipts and unread counts', () => {
  it('move watermarks forward only, tell both sides, and keep unread counts derived', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d, d2] = await Promise.all([connect(patient.token), connect(doctor.token), connect(doctor.token)]);
    const unread = async () => (await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.unreadCount;
    const m1 = await sendText(patient, conversation.id, 'one');
    const m2 = await sendText(patient, conversation.id, 'two');
    const m3 = await sendText(patient, conversation.id, 'three');
    expect(await unread()).toBe(3);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.unreadCount).toBe(0);

    expect((await d.emitAck('chat:delivered', { conversationId: conversation.id, upToSeq: 3 })).ok).toBe(true);
    const delivered = await p.waitFor('chat:delivered', (e) => e.userId === doctor.id);
    expect(delivered).toMatchObject({ conversationId: conversation.id, userId: doctor.id, upToSeq: 3 });
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.peerLastDeliveredSeq).toBe(3);

    const read = await d.emitAck('chat:read', { conversationId: conversation.id, upToSeq: m1.seq });
    expect(read).toEqual({ ok: true, lastReadSeq: 1, unreadCount: 2 });
    await p.waitFor('chat:read', (e) => e.userId === doctor.id && e.upToSeq === 1);
    const onOtherDevice = await d2.waitFor(
      'conversation:updated',
      (c) => c.id === conversation.id && c.unreadCount === 2,
    );
    expect(onOtherDevice.lastReadSeq).toBe(1);

    // Backwards and past-the-end reads do not move the watermark beyond what exists.
    expect(await d.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 0 })).toEqual({
      ok: true,
      lastReadSeq: 1,
      unreadCount: 2,
    });
    await patient.api.delete(`/api/chat/messages/${m2.id}?scope=everyone`);
    expect(await unread()).toBe(1);
    await doctor.api.delete(`/api/chat/messages/${m3.id}?scope=self`);
    expect(await unread()).toBe(0);
    await sendText(patient, conversation.id, 'four');
    expect(await unread()).toBe(1);
    const rest = await doctor.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 999 });
    expect(rest.body).toEqual({ lastReadSeq: 4, unreadCount: 0 });
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.peerLastReadSeq).toBe(4);

    // Sending marks everything before it read for the sender.
    await sendText(patient, conversation.id, 'five');
    await sendText(doctor, conversation.id, 'reply');
    expect(await unread()).toBe(0);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.unreadCount).toBe(1);
    const stranger = await createPatient(t);
    expect((await stranger.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 1 })).status).toBe(
      404,
    );
  });
});

describe('typing', () => {
  it('reaches only the other participant, and ends on stop, on send, or 5 s after the last start', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const ref = { conversationId: conversation.id };
    expect((await p.emitAck('chat:typing:start', ref)).ok).toBe(true);
    expect(await d.waitFor('chat:typing', (e) => e.isTyping)).toEqual({
      conversationId: conversation.id,
      userId: patient.id,
      isTyping: true,
    });
    await p.emitAck('chat:typing:stop', ref);
    await d.waitFor('chat:typing', (e) => !e.isTyping);
    expect(p.all('chat:typing')).toHaveLength(0);

    await d.emitAck('chat:typing:start', ref);
    await p.waitFor('chat:typing', (e) => e.isTyping && e.userId === doctor.id);
    await d.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: `t-${Date.now()}`,
      content: 'done typing',
    });
    await p.waitFor('chat:typing', (e) => !e.isTyping && e.userId === doctor.id);

    const started = Date.now();
    await p.emitAck('chat:typing:start', ref);
    await d.waitFor('chat:typing', (e) => !e.isTyping && d.all('chat:typing').length >= 4, 8000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);

    const stranger = await createPatient(t);
    const s = await connect(stranger.token);
    expect((await s.emitAck('chat:typing:start', ref)).error.code).toBe('NOT_FOUND');
  });
});

describe('presence', () => {
  it('is online while any device is connected; lastSeenAt when the last leaves; only peers hear', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const outsider = await createPatient(t);
    const [d, o] = await Promise.all([connect(doctor.token), connect(outsider.token)]);
    const p1 = await connect(patient.token);
    await d.waitFor('presence:update', (e) => e.userId === patient.id && e.online);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.patient.online).toBe(true);
    const p2 = await connect(patient.token);
    p1.close();
    // The server has seen the first device go (and decided the patient is still online), and
    // anything it then sent the doctor has arrived.
    await until(async () => (await t.socketsOf(patient.id)) === 1, 'the server to see the first device go');
    await t.app.settled();
    await d.roundTrip();
    expect(d.all('presence:update', (e) => e.userId === patient.id && !e.online)).toHaveLength(0);
    p2.close();
    const offline = await d.waitFor('presence:update', (e) => e.userId === patient.id && !e.online);
    expect(Date.parse(offline.lastSeenAt)).toBeGreaterThan(Date.now() - 5000);
    const view = (await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.patient;
    expect(view).toMatchObject({ online: false, lastSeenAt: offline.lastSeenAt });
    expect(o.all('presence:update', (e) => e.userId === patient.id)).toHaveLength(0);
  });
});
