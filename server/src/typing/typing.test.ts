import { describe, expect, it } from 'vitest';
import { TYPING_EXPIRY_MS } from '@carechat/protocol';
import { useTestApp } from '../test/harness.js';
import { clientId, createAppointment, createPair, createPatient, sendText } from '../test/factories.js';
import { FakeClock } from '../test/fake-clock.js';

// Typing ends on the services' clock: the expiry test moves it instead of waiting 5 s.
const clock = new FakeClock();
const t = useTestApp({}, { clock });
const connect = (token: string) => t.connect(token);

describe('typing indicators', () => {
  it('start reaches the peer’s devices, not the typist’s; stop turns it off', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p1, p2, d1, d2] = await Promise.all([
      connect(patient.token),
      connect(patient.token),
      connect(doctor.token),
      connect(doctor.token),
    ]);
    const ref = { conversationId: conversation.id };

    expect(await p1.emitAck('chat:typing:start', ref)).toEqual({ ok: true });
    for (const d of [d1, d2])
      expect(await d.waitFor('chat:typing', (e) => e.isTyping)).toEqual({
        conversationId: conversation.id,
        userId: patient.id,
        isTyping: true,
      });

    expect(await p1.emitAck('chat:typing:stop', ref)).toEqual({ ok: true });
    for (const d of [d1, d2])
      expect(await d.waitFor('chat:typing', (e) => !e.isTyping)).toEqual({
        conversationId: conversation.id,
        userId: patient.id,
        isTyping: false,
      });

    await Promise.all([p1, p2, d1].map((s) => s.roundTrip()));
    expect(p1.all('chat:typing')).toHaveLength(0);
    expect(p2.all('chat:typing')).toHaveLength(0);
    expect(d1.all('chat:typing').map((e) => e.isTyping)).toEqual([true, false]);

    // Stopping when not typing says nothing.
    expect(await p1.emitAck('chat:typing:stop', ref)).toEqual({ ok: true });
    await d1.roundTrip();
    expect(d1.all('chat:typing')).toHaveLength(2);
  });

  it('both can type at once, each heard only by the other', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const ref = { conversationId: conversation.id };
    await Promise.all([p.emitAck('chat:typing:start', ref), d.emitAck('chat:typing:start', ref)]);
    expect(await d.waitFor('chat:typing', (e) => e.isTyping)).toMatchObject({ userId: patient.id });
    expect(await p.waitFor('chat:typing', (e) => e.isTyping)).toMatchObject({ userId: doctor.id });
    await d.emitAck('chat:typing:stop', ref);
    await p.waitFor('chat:typing', (e) => !e.isTyping && e.userId === doctor.id);
    await d.roundTrip();
    // The doctor stopping does not stop the patient.
    expect(d.all('chat:typing', (e) => !e.isTyping)).toHaveLength(0);
    await p.emitAck('chat:typing:stop', ref);
    await d.waitFor('chat:typing', (e) => !e.isTyping && e.userId === patient.id);
  });

  it('ends by itself about 5 s after the last start; a repeated start extends it', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const ref = { conversationId: conversation.id };
    await p.emitAck('chat:typing:start', ref);
    await d.waitFor('chat:typing', (e) => e.isTyping);
    clock.advance(1000);
    await p.emitAck('chat:typing:start', ref); // still typing
    const lastStart = clock.now();

    // Time moves in 100 ms steps; after each, whatever the expiry sent has reached the doctor.
    while (d.all('chat:typing', (e) => !e.isTyping).length === 0 && clock.now() - lastStart < 7000) {
      clock.advance(100);
      await d.roundTrip();
    }
    const off = await d.waitFor('chat:typing', (e) => !e.isTyping, 7000);
    const after = clock.now() - lastStart;
    expect(off).toEqual({ conversationId: conversation.id, userId: patient.id, isTyping: false });
    // Measured from the last start, not the first.
    expect(after).toBeGreaterThanOrEqual(TYPING_EXPIRY_MS - 300);
    expect(after).toBeLessThan(7000);
    expect(d.all('chat:typing').map((e) => e.isTyping)).toEqual([true, false]);
  });

  it('ends when the typist sends a message, by socket or by REST', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const ref = { conversationId: conversation.id };

    await p.emitAck('chat:typing:start', ref);
    await d.waitFor('chat:typing', (e) => e.isTyping);
    const sent = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'done',
    });
    expect(sent.ok).toBe(true);
    await d.waitFor('chat:typing', (e) => !e.isTyping && e.userId === patient.id, 1000);
    await d.waitFor('chat:message', (m) => m.id === sent.message.id);

    await d.emitAck('chat:typing:start', ref);
    await p.waitFor('chat:typing', (e) => e.isTyping && e.userId === doctor.id);
    await sendText(doctor, conversation.id, 'done too');
    await p.waitFor('chat:typing', (e) => !e.isTyping && e.userId === doctor.id, 1000);

    // A message from the peer does not end my typing.
    await p.emitAck('chat:typing:start', ref);
    await d.waitFor('chat:typing', (e) => e.isTyping && d.all('chat:typing').length === 3);
    await sendText(doctor, conversation.id, 'interjection');
    await d.roundTrip();
    expect(d.all('chat:typing').map((e) => e.isTyping)).toEqual([true, false, true]);
    await p.emitAck('chat:typing:stop', ref);
  });

  it('does not end when a send is a retry of a stored message, by socket or by REST', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const ref = { conversationId: conversation.id };
    const first = { conversationId: conversation.id, clientMessageId: clientId(), content: 'sent once' };
    const sent = await p.emitAck('chat:message', first);
    expect(sent.ok).toBe(true);

    await p.emitAck('chat:typing:start', ref);
    await d.waitFor('chat:typing', (e) => e.isTyping);
    const retried = await p.emitAck('chat:message', first);
    expect(retried).toMatchObject({ ok: true, message: { id: sent.message.id } });
    const rest = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: first.clientMessageId,
      content: first.content,
    });
    expect(rest.status).toBe(200);
    expect(rest.body.id).toBe(sent.message.id);
    // Still typing: a start now only extends it (no second "typing" event), and the stop is the only "stopped".
    await p.emitAck('chat:typing:start', ref);
    await p.emitAck('chat:typing:stop', ref);
    await d.waitFor('chat:typing', (e) => !e.isTyping);
    expect(d.all('chat:typing').map((e) => e.isTyping)).toEqual([true, false]);
  });

  it('is for participants only: someone else gets NOT_FOUND and hears nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    // Even someone who shares an appointment with the doctor is not in this conversation.
    await createAppointment(t, stranger, doctor);
    const [p, s] = await Promise.all([connect(patient.token), connect(stranger.token)]);
    const ref = { conversationId: conversation.id };

    expect(await s.emitAck('chat:typing:start', ref)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await s.emitAck('chat:typing:stop', ref)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await s.emitAck('chat:typing:start', { conversationId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await s.emitAck('chat:typing:start', { conversationId: 'not-a-uuid' })).error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await s.emitAck('chat:typing:start', {})).error.code).toBe('VALIDATION_FAILED');

    await p.emitAck('chat:typing:start', ref);
    await Promise.all([p.roundTrip(), s.roundTrip()]);
    expect(p.all('chat:typing')).toHaveLength(0);
    expect(s.all('chat:typing')).toHaveLength(0);
    await p.emitAck('chat:typing:stop', ref);
  });
});
