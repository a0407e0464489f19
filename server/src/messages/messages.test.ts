import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair, sendText } from '../test/factories.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);

describe('sending messages', () => {
  it('delivers a socket send to the peer and the sender’s other device, acked after commit', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p1, p2, d1] = await Promise.all([connect(patient.token), connect(patient.token), connect(doctor.token)]);
    const ack = await p1.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: '  Hello doctor  ',
    });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({
      conversationId: conversation.id,
      seq: 1,
      senderId: patient.id,
      senderRole: 'PATIENT',
      content: 'Hello doctor',
    });
    const atDoctor = await d1.waitFor('chat:message', (m) => m.id === ack.message.id);
    expect(atDoctor.content).toBe('Hello doctor');
    await p2.waitFor('chat:message', (m) => m.id === ack.message.id);
    // Durable: the history has it.
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.map((m: any) => m.id)).toEqual([ack.message.id]);
  });

  it('answers a retried clientMessageId with the first message and broadcasts nothing new', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    const cid = clientId();
    const first = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: cid,
      content: 'once',
    });
    const again = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: cid,
      content: 'once',
    });
    const rest = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: cid,
      content: 'once',
    });
    expect(again.message.id).toBe(first.message.id);
    expect(rest.status).toBe(200);
    expect(rest.body.id).toBe(first.message.id);
    await d.roundTrip();
    expect(d.all('chat:message', (m) => m.conversationId === conversation.id)).toHaveLength(1);
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data).toHaveLength(1);
  });

  it('numbers messages 1, 2, 3 … in a conversation even when sent concurrently', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => sendText(i % 2 ? doctor : patient, conversation.id, `message ${i}`)),
    );
    const page = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages?limit=100`);
    expect(page.body.data.map((m: any) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refuses a message with neither content nor attachments by REST and socket alike, and an empty edit', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await connect(patient.token);
    // One rule, in the protocol's schemas: the REST body and the socket input answer the same.
    const refused = { code: 'VALIDATION_FAILED', message: 'content: a message needs content or attachments' };
    for (const body of [{ clientMessageId: clientId() }, { clientMessageId: clientId(), attachmentIds: [] }]) {
      const res = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: refused });
    }
    const ack = await p.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId() });
    expect(ack).toEqual({ ok: false, error: refused });
    const sent = await sendText(patient, conversation.id, 'kept as sent');
    const edit = await patient.api.patch(`/api/chat/messages/${sent.id}`, { content: '   ' });
    expect(edit.status).toBe(400);
    expect(edit.body.error).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^content: /) });
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.map((m: any) => [m.content, m.editedAt])).toEqual([['kept as sent', null]]);
  });

  it('keeps replies, with a preview of the original', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const original = await sendText(patient, conversation.id, 'Is ibuprofen fine with my prescription?');
    const res = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'Yes, with food.',
      replyToId: original.id,
    });
    expect(res.status).toBe(201);
    expect(res.body.replyTo).toEqual({
      id: original.id,
      seq: 1,
      senderId: patient.id,
      preview: 'Is ibuprofen fine with my prescription?',
    });
    // What the send answers is exactly what a later read returns.
    const page = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data).toEqual([original, res.body]);
  });
});
