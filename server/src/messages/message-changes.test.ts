import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createAdmin, createPair, createPatient, sendText } from '../test/factories.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);
const messagesOf = async (user: { api: { get: (p: string) => Promise<any> } }, conversationId: string) =>
  (await user.api.get(`/api/chat/conversations/${conversationId}/messages`)).body.data as any[];
/** Moves a message's creation time back, as if it had been sent `minutes` ago. */
const age = (messageId: string, minutes: number) =>
  t.db.query(`UPDATE messages SET created_at = now() - make_interval(secs => $2) WHERE id = $1`, [
    messageId,
    minutes * 60,
  ]);
const reactionPath = (messageId: string, emoji: string) =>
  `/api/chat/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;

describe('editing a message', () => {
  it('by socket reaches the peer and the sender’s other device; later reads keep new text and editedAt', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p1, p2, d] = await Promise.all([connect(patient.token), connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(patient, conversation.id, 'I take 5 mg daily');
    expect(msg.editedAt).toBeNull();

    const ack = await p1.emitAck('chat:edit', { messageId: msg.id, content: '  I take 10 mg daily  ' });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({
      id: msg.id,
      seq: msg.seq,
      senderId: patient.id,
      content: 'I take 10 mg daily',
      deletedAt: null,
    });
    expect(Date.parse(ack.message.editedAt)).toBeGreaterThanOrEqual(Date.parse(msg.createdAt));
    expect(ack.message.createdAt).toBe(msg.createdAt);
    expect(ack.message.rev).toBeGreaterThan(msg.rev);

    for (const s of [d, p2]) expect(await s.waitFor('chat:edited', (m) => m.id === msg.id)).toEqual(ack.message);
    // An edit is not a new message: the only chat:message is the original send.
    expect(d.all('chat:message', (m) => m.id === msg.id)).toHaveLength(1);

    for (const viewer of [patient, doctor]) {
      const [stored] = await messagesOf(viewer, conversation.id);
      expect(stored).toMatchObject({
        id: msg.id,
        seq: 1,
        content: 'I take 10 mg daily',
        editedAt: ack.message.editedAt,
      });
    }
    const conv = (await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body;
    expect(conv.lastMessage.preview).toBe('I take 10 mg daily');
    expect(conv.lastRev).toBe(ack.message.rev);

    // A later change (a reaction) keeps the message marked as edited.
    const reacted = await doctor.api.put(reactionPath(msg.id, '👍'));
    expect(reacted.body.editedAt).toBe(ack.message.editedAt);
    expect(reacted.body.content).toBe('I take 10 mg daily');
  });

  it('by REST answers the message and tells both participants', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'Fasting before the test');
    const res = await doctor.api.patch(`/api/chat/messages/${msg.id}`, { content: 'No fasting needed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: msg.id, content: 'No fasting needed' });
    expect(res.body.editedAt).not.toBeNull();
    for (const s of [p, d])
      expect((await s.waitFor('chat:edited', (m) => m.id === msg.id)).content).toBe('No fasting needed');
  });

  it('is for the sender only: the peer is FORBIDDEN, someone else gets NOT_FOUND, and the text stays', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const [p, d, s] = await Promise.all([connect(patient.token), connect(doctor.token), connect(stranger.token)]);
    const msg = await sendText(patient, conversation.id, 'original');

    const byPeer = await d.emitAck('chat:edit', { messageId: msg.id, content: 'hijacked' });
    expect(byPeer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const byPeerRest = await doctor.api.patch(`/api/chat/messages/${msg.id}`, { content: 'hijacked' });
    expect(byPeerRest.status).toBe(403);
    expect(byPeerRest.body.error.code).toBe('FORBIDDEN');

    expect(await s.emitAck('chat:edit', { messageId: msg.id, content: 'hijacked' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const byStranger = await stranger.api.patch(`/api/chat/messages/${msg.id}`, { content: 'hijacked' });
    expect(byStranger.status).toBe(404);
    expect(byStranger.body.error.code).toBe('NOT_FOUND');
    // An unknown id looks the same as someone else's message.
    const unknown = await patient.api.patch(`/api/chat/messages/00000000-0000-4000-8000-000000000000`, {
      content: 'x',
    });
    expect(unknown.status).toBe(404);

    await Promise.all([p, s].map((s) => s.roundTrip()));
    expect(p.all('chat:edited')).toHaveLength(0);
    expect(s.all('chat:edited')).toHaveLength(0);
    const [stored] = await messagesOf(patient, conversation.id);
    expect(stored).toMatchObject({ content: 'original', editedAt: null });
  });

  it('works until 15 minutes after sending, then EDIT_WINDOW_EXPIRED by socket and REST', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(patient, conversation.id, 'first draft');

    await age(msg.id, 14);
    expect((await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'at 14 minutes' })).status).toBe(200);

    await age(msg.id, 15 + 5 / 60);
    const late = await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EDIT_WINDOW_EXPIRED');
    expect(await p.emitAck('chat:edit', { messageId: msg.id, content: 'too late' })).toMatchObject({
      ok: false,
      error: { code: 'EDIT_WINDOW_EXPIRED' },
    });

    await d.roundTrip();
    expect(d.all('chat:edited', (m) => m.content === 'too late')).toHaveLength(0);
    const [stored] = await messagesOf(doctor, conversation.id);
    expect(stored.content).toBe('at 14 minutes');
  });

  it('is refused once the message was deleted for everyone', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(patient, conversation.id, 'oops');
    expect((await p.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).ok).toBe(true);

    const socketEdit = await p.emitAck('chat:edit', { messageId: msg.id, content: 'back again' });
    expect(socketEdit.ok).toBe(false);
    const restEdit = await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'back again' });
    expect(restEdit.status).toBeGreaterThanOrEqual(400);
    expect(restEdit.status).toBeLessThan(500);

    await d.roundTrip();
    expect(d.all('chat:edited')).toHaveLength(0);
    const [stored] = await messagesOf(doctor, conversation.id);
    expect(stored.content).toBeNull();
    expect(stored.deletedAt).not.toBeNull();
    expect(stored.editedAt).toBeNull();
  });

  it('validates the content: 1 to 5000 characters after trimming', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await connect(patient.token);
    const msg = await sendText(patient, conversation.id, 'valid');
    for (const content of ['', '   \n\t ', 'x'.repeat(5001), 42, null]) {
      const ack = await p.emitAck('chat:edit', { messageId: msg.id, content });
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const res = await patient.api.patch(`/api/chat/messages/${msg.id}`, { content });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await patient.api.patch(`/api/chat/messages/${msg.id}`, {})).body.error.code).toBe('VALIDATION_FAILED');
    expect((await p.emitAck('chat:edit', { messageId: 'not-a-uuid', content: 'x' })).error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await patient.api.patch(`/api/chat/messages/not-a-uuid`, { content: 'x' })).status).toBe(400);

    const longest = 'y'.repeat(5000);
    const ok = await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: `  ${longest}  ` });
    expect(ok.status).toBe(200);
    expect(ok.body.content).toBe(longest);
  });

  it('keeps every earlier version for an admin, decrypted, and only for an admin', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, 'version one');
    await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'version two' });
    await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'version three' });
    const untouched = await sendText(patient, conversation.id, 'never edited');

    const admin = await createAdmin(t);
    const history = await admin.api.get(`/api/admin/messages/${msg.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.message).toMatchObject({ id: msg.id, content: 'version three' });
    expect(history.body.versions.map((v: any) => [v.version, v.content])).toEqual([
      [1, 'version one'],
      [2, 'version two'],
    ]);
    expect(history.body.versions[0].createdAt).toBe(msg.createdAt);
    for (const v of history.body.versions)
      expect(Date.parse(v.replacedAt)).toBeGreaterThanOrEqual(Date.parse(v.createdAt));
    expect((await admin.api.get(`/api/admin/messages/${untouched.id}/history`)).body.versions).toEqual([]);

    // Deleting for everyone keeps the last text in the history too.
    await patient.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`);
    const afterDelete = await admin.api.get(`/api/admin/messages/${msg.id}/history`);
    expect(afterDelete.body.message.content).toBeNull();
    expect(afterDelete.body.versions.map((v: any) => v.content)).toEqual([
      'version one',
      'version two',
      'version three',
    ]);

    // The reads are audited.
    const auditRes = await admin.api.get(
      `/api/admin/audit?action=admin.messages.history&conversationId=${conversation.id}`,
    );
    expect(auditRes.body.data.length).toBeGreaterThanOrEqual(3);

    for (const user of [patient, doctor]) {
      const res = await user.api.get(`/api/admin/messages/${msg.id}/history`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await admin.api.get(`/api/admin/messages/00000000-0000-4000-8000-000000000000/history`)).status).toBe(404);
  });
});

describe('deleting for everyone', () => {
  it('is for the sender only; the message keeps id and seq, no content, and both participants are told', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const [p1, p2, d, s] = await Promise.all([
      connect(patient.token),
      connect(patient.token),
      connect(doctor.token),
      connect(stranger.token),
    ]);
    const first = await sendText(patient, conversation.id, 'first');
    const msg = await sendText(patient, conversation.id, 'my card number is 1234');
    await sendText(doctor, conversation.id, 'third');
    await doctor.api.put(reactionPath(msg.id, '😮'));

    expect(await d.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const byPeerRest = await doctor.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`);
    expect(byPeerRest.status).toBe(403);
    expect(byPeerRest.body.error.code).toBe('FORBIDDEN');
    expect(await s.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await stranger.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`)).status).toBe(404);
    await d.roundTrip();
    expect(d.all('chat:deleted')).toHaveLength(0);
    expect((await messagesOf(doctor, conversation.id))[1].content).toBe('my card number is 1234');

    expect(await p1.emitAck('chat:delete', { messageId: msg.id, scope: 'everyone' })).toEqual({ ok: true });
    for (const sock of [p1, p2, d])
      expect(await sock.waitFor('chat:deleted', (e) => e.messageId === msg.id)).toEqual({
        conversationId: conversation.id,
        messageId: msg.id,
        seq: msg.seq,
        scope: 'everyone',
      });

    for (const viewer of [patient, doctor]) {
      const page = await messagesOf(viewer, conversation.id);
      expect(page.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(page[0]).toMatchObject({ id: first.id, content: 'first', deletedAt: null });
      expect(page[1]).toMatchObject({ id: msg.id, seq: msg.seq, content: null, reactions: [], attachments: [] });
      expect(Date.parse(page[1].deletedAt)).toBeGreaterThan(0);
      expect(page[1].hiddenForMe).toBeUndefined();
    }
    // The changes feed carries the deletion to devices that were away.
    const changes = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${msg.rev}`)).body
      .data;
    expect(changes.find((m: any) => m.id === msg.id)).toMatchObject({ content: null });
    expect(changes.find((m: any) => m.id === msg.id).deletedAt).not.toBeNull();
    await s.roundTrip();
    expect(s.all('chat:deleted')).toHaveLength(0);
  });

  it('by REST, and shows as deleted in the conversation list', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'wrong patient, sorry');
    const res = await doctor.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`);
    expect(res.status).toBe(204);
    for (const sock of [p, d])
      await sock.waitFor('chat:deleted', (e) => e.messageId === msg.id && e.scope === 'everyone');
    const conv = (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body;
    expect(conv.lastMessage).toMatchObject({ id: msg.id, seq: msg.seq });
    expect(conv.lastMessage.preview).not.toContain('wrong patient');

    // Asking without a scope, or with an unknown one, is invalid.
    expect((await doctor.api.delete(`/api/chat/messages/${msg.id}`)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await doctor.api.delete(`/api/chat/messages/${msg.id}?scope=all`)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await d.emitAck('chat:delete', { messageId: msg.id, scope: 'all' })).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('deleting for oneself', () => {
  it('hides a message from the caller’s views and devices only (either side); the changes feed says so', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const [p1, p2, d, s] = await Promise.all([
      connect(patient.token),
      connect(patient.token),
      connect(doctor.token),
      connect(stranger.token),
    ]);
    const fromDoctor = await sendText(doctor, conversation.id, 'from the doctor');
    const fromPatient = await sendText(patient, conversation.id, 'from the patient');
    const before = (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastRev;

    expect(await s.emitAck('chat:delete', { messageId: fromDoctor.id, scope: 'self' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await stranger.api.delete(`/api/chat/messages/${fromDoctor.id}?scope=self`)).status).toBe(404);

    // The patient hides the doctor's message (not their own) by socket.
    expect(await p1.emitAck('chat:delete', { messageId: fromDoctor.id, scope: 'self' })).toEqual({ ok: true });
    const expected = { conversationId: conversation.id, messageId: fromDoctor.id, seq: fromDoctor.seq, scope: 'self' };
    expect(await p1.waitFor('chat:deleted', (e) => e.messageId === fromDoctor.id)).toEqual(expected);
    expect(await p2.waitFor('chat:deleted', (e) => e.messageId === fromDoctor.id)).toEqual(expected);

    // The doctor hides the patient's message by REST.
    expect((await doctor.api.delete(`/api/chat/messages/${fromPatient.id}?scope=self`)).status).toBe(204);
    await d.waitFor('chat:deleted', (e) => e.messageId === fromPatient.id && e.scope === 'self');
    await Promise.all([d, p1, s].map((s) => s.roundTrip()));
    expect(d.all('chat:deleted', (e) => e.messageId === fromDoctor.id)).toHaveLength(0);
    expect(p1.all('chat:deleted', (e) => e.messageId === fromPatient.id)).toHaveLength(0);
    expect(s.all('chat:deleted')).toHaveLength(0);

    expect((await messagesOf(patient, conversation.id)).map((m) => m.id)).toEqual([fromPatient.id]);
    expect((await messagesOf(doctor, conversation.id)).map((m) => m.id)).toEqual([fromDoctor.id]);
    // Hidden is not deleted: the other side still reads the text.
    expect((await messagesOf(doctor, conversation.id))[0]).toMatchObject({
      content: 'from the doctor',
      deletedAt: null,
    });

    const changes = (await patient.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${before}`)).body;
    expect(changes.data).toHaveLength(1);
    expect(changes.data[0]).toMatchObject({ id: fromDoctor.id, seq: fromDoctor.seq, hiddenForMe: true, content: null });
    expect(changes.data[0].rev).toBeGreaterThan(before);

    // Hiding twice is harmless and tells nobody again.
    expect((await patient.api.delete(`/api/chat/messages/${fromDoctor.id}?scope=self`)).status).toBe(204);
    await p1.roundTrip();
    expect(p1.all('chat:deleted', (e) => e.messageId === fromDoctor.id)).toHaveLength(1);
  });

  it('live edits and reactions carry each receiver’s own view of a message one of them hid', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'Your results came back');
    await patient.api.delete(`/api/chat/messages/${msg.id}?scope=self`);

    // The doctor edits: the doctor sees the text; the patient, who hid it, does not get it back.
    await d.emitAck('chat:edit', { messageId: msg.id, content: 'Your results came back normal' });
    expect(await d.waitFor('chat:edited', (m) => m.id === msg.id)).toMatchObject({
      content: 'Your results came back normal',
    });
    expect((await d.waitFor('chat:edited', (m) => m.id === msg.id)).hiddenForMe).toBeUndefined();
    expect(await p.waitFor('chat:edited', (m) => m.id === msg.id)).toMatchObject({ content: null, hiddenForMe: true });

    // The patient reacts to the message they hid: the doctor's view of their own message stays whole.
    await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    const atDoctor = await d.waitFor('chat:reaction', (m) => m.id === msg.id);
    expect(atDoctor).toMatchObject({
      content: 'Your results came back normal',
      reactions: [{ emoji: '👍', userIds: [patient.id] }],
    });
    expect(atDoctor.hiddenForMe).toBeUndefined();
    expect(await p.waitFor('chat:reaction', (m) => m.id === msg.id)).toMatchObject({
      content: null,
      hiddenForMe: true,
    });
  });
});

describe('reactions', () => {
  it('by socket: one per person and emoji, shown to both participants, removable', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d1, d2] = await Promise.all([connect(patient.token), connect(doctor.token), connect(doctor.token)]);
    const msg = await sendText(doctor, conversation.id, 'Results are normal');

    const on = await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    expect(on.ok).toBe(true);
    expect(on.message).toMatchObject({
      id: msg.id,
      content: 'Results are normal',
      reactions: [{ emoji: '👍', userIds: [patient.id] }],
    });
    expect(on.message.rev).toBeGreaterThan(msg.rev);
    for (const s of [p, d1, d2]) expect(await s.waitFor('chat:reaction', (m) => m.id === msg.id)).toEqual(on.message);

    const again = await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    expect(again.message.reactions).toEqual([{ emoji: '👍', userIds: [patient.id] }]);
    const both = await d1.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true });
    expect(both.message.reactions).toEqual([{ emoji: '👍', userIds: [patient.id, doctor.id] }]);
    await p.waitFor('chat:reaction', (m) => m.id === msg.id && m.reactions[0]?.userIds.length === 2);

    const off = await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: false });
    expect(off.message.reactions).toEqual([{ emoji: '👍', userIds: [doctor.id] }]);
    await d2.waitFor(
      'chat:reaction',
      (m) => m.id === msg.id && m.reactions[0]?.userIds.length === 1 && m.reactions[0].userIds[0] === doctor.id,
    );
    const stored = (await messagesOf(patient, conversation.id))[0];
    expect(stored.reactions).toEqual([{ emoji: '👍', userIds: [doctor.id] }]);
    expect(
      (await t.db.query('SELECT count(*)::int AS n FROM message_reactions WHERE message_id = $1', [msg.id])).rows[0].n,
    ).toBe(1);
  });

  it('by REST with URL-encoded emoji, including skin tones, flags and joined sequences', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const msg = await sendText(patient, conversation.id, 'Thank you, doctor');
    const emoji = ['❤️', '👍🏽', '🇫🇷', '👨‍⚕️'];
    let last: any;
    for (const e of emoji) {
      const res = await doctor.api.put(reactionPath(msg.id, e));
      expect(res.status).toBe(200);
      last = res.body;
    }
    expect(last.reactions).toEqual(emoji.map((e) => ({ emoji: e, userIds: [doctor.id] })));
    await p.waitFor('chat:reaction', (m) => m.id === msg.id && m.reactions.length === 4);

    // PUT again changes nothing; DELETE removes only the caller's reaction.
    expect((await doctor.api.put(reactionPath(msg.id, '❤️'))).body.reactions[0]).toEqual({
      emoji: '❤️',
      userIds: [doctor.id],
    });
    await patient.api.put(reactionPath(msg.id, '❤️'));
    const removed = await doctor.api.delete(reactionPath(msg.id, '❤️'));
    expect(removed.status).toBe(200);
    expect(removed.body.reactions.find((r: any) => r.emoji === '❤️')).toEqual({ emoji: '❤️', userIds: [patient.id] });
    const gone = await patient.api.delete(reactionPath(msg.id, '❤️'));
    expect(gone.body.reactions).toEqual(['👍🏽', '🇫🇷', '👨‍⚕️'].map((e) => ({ emoji: e, userIds: [doctor.id] })));
    for (const s of [p, d]) await s.waitFor('chat:reaction', (m) => m.id === msg.id && m.reactions.length === 3);
    // Removing a reaction that is not there is not an error.
    expect((await patient.api.delete(reactionPath(msg.id, '🎉'))).status).toBe(200);
  });

  it('refuses what is not a single emoji with VALIDATION_FAILED', async () => {
    const { patient, conversation } = await createPair(t);
    const p = await connect(patient.token);
    const msg = await sendText(patient, conversation.id, 'react to me');
    for (const emoji of ['ab', '', '👍👍', 'a👍', ':+1:', '1']) {
      expect(await p.emitAck('chat:react', { messageId: msg.id, emoji, on: true })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      if (emoji === '') continue; // an empty path segment is another route
      const res = await patient.api.put(reactionPath(msg.id, emoji));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await p.emitAck('chat:react', { messageId: msg.id, emoji: '👍' })).error.code).toBe('VALIDATION_FAILED');
    expect((await messagesOf(patient, conversation.id))[0].reactions).toEqual([]);
  });

  it('is for participants only: someone else gets NOT_FOUND and hears nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const [p, s] = await Promise.all([connect(patient.token), connect(stranger.token)]);
    const msg = await sendText(doctor, conversation.id, 'private');
    expect(await s.emitAck('chat:react', { messageId: msg.id, emoji: '👍', on: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await stranger.api.put(reactionPath(msg.id, '👍'))).status).toBe(404);
    expect((await stranger.api.delete(reactionPath(msg.id, '👍'))).status).toBe(404);

    await p.emitAck('chat:react', { messageId: msg.id, emoji: '🙏', on: true });
    await s.roundTrip();
    expect(s.all('chat:reaction')).toHaveLength(0);
    expect((await messagesOf(doctor, conversation.id))[0].reactions).toEqual([{ emoji: '🙏', userIds: [patient.id] }]);
  });
});

describe('revisions', () => {
  it('every send, edit, reaction and delete takes the next rev, so the changes feed sees each one', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, 'a');
    const revs = [msg.rev];
    revs.push((await patient.api.patch(`/api/chat/messages/${msg.id}`, { content: 'b' })).body.rev);
    revs.push((await doctor.api.put(reactionPath(msg.id, '👍'))).body.rev);
    revs.push(
      (
        await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
          clientMessageId: clientId(),
          content: 'c',
        })
      ).body.rev,
    );
    await patient.api.delete(`/api/chat/messages/${msg.id}?scope=everyone`);
    revs.push((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastRev);
    expect(revs).toEqual([...revs].sort((a, b) => a - b));
    expect(new Set(revs).size).toBe(revs.length);
    const changes = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${revs[3]}`)).body
      .data;
    expect(changes.map((m: any) => m.id)).toEqual([msg.id]);
    expect(changes[0].rev).toBe(revs[4]);
  });
});
