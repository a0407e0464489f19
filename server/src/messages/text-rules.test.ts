import { describe, expect, it } from 'vitest';
import { signJwt, uniqueId } from '../test/app.js';
import { clientId, createPair } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';

const t = useTestApp();
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('sender and reader see the same text', () => {
  it('a lone surrogate in a message or edit is U+FFFD in the ack, at the other person and in the history', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([t.connect(patient.token), t.connect(doctor.token)]);
    const sent = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'dose \ud83d mg',
    });
    expect(sent.ok).toBe(true);
    expect(sent.message.content).toBe('dose \ufffd mg');
    expect((await d.waitFor('chat:message', (m) => m.id === sent.message.id)).content).toBe(sent.message.content);

    const edited = await p.emitAck('chat:edit', { messageId: sent.message.id, content: '\udc00 10 mg' });
    expect(edited.ok).toBe(true);
    expect(edited.message.content).toBe('\ufffd 10 mg');
    expect((await d.waitFor('chat:edited', (m) => m.id === sent.message.id)).content).toBe(edited.message.content);
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.map((m: any) => m.content)).toEqual([edited.message.content]);

    const overRest = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'a\ud800',
    });
    expect(overRest.status).toBe(201);
    expect(overRest.body.content).toBe('a\ufffd');
  });

  it('host and JWT names: lone surrogates replaced, NUL refused (VALIDATION_FAILED or 401), never a 500', async () => {
    const id = uniqueId('patient');
    const put = await t.service.put(`/api/integration/users/${id}`, {
      name: 'Ann \ud800Lee',
      role: 'PATIENT',
      status: 'active',
      designation: null,
    });
    expect(put.status).toBe(200);
    expect(put.body.name).toBe('Ann \ufffdLee');
    const me = await new HttpClient(
      t.url,
      signJwt({ sub: id, role: 'PATIENT', name: 'Ann \ud800Lee', exp: inAnHour() }),
    ).get('/api/auth/me');
    expect(me.body.user.name).toBe('Ann \ufffdLee');

    const withNul = await t.service.put(`/api/integration/users/${uniqueId('patient')}`, {
      name: 'Ann\u0000',
      role: 'PATIENT',
      status: 'active',
    });
    expect(withNul.status).toBe(400);
    expect(withNul.body.error.code).toBe('VALIDATION_FAILED');
    const idWithNul = await t.service.put(`/api/integration/users/nul%00${uniqueId('id')}`, {
      name: 'Ann',
      role: 'PATIENT',
      status: 'active',
    });
    expect(idWithNul.status).toBe(400);
    expect(idWithNul.body.error.code).toBe('VALIDATION_FAILED');
    const jwtWithNul = await new HttpClient(
      t.url,
      signJwt({ sub: uniqueId('patient'), role: 'PATIENT', name: 'Ann\u0000', exp: inAnHour() }),
    ).get('/api/auth/me');
    expect(jwtWithNul.status).toBe(401);
    expect(jwtWithNul.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('search text with a lone surrogate or NUL is answered or refused, never a 500', async () => {
    const { patient } = await createPair(t);
    const lone = await patient.api.get(`/api/chat/conversations?q=${encodeURIComponent('x')}%ED%A0%80`);
    expect(lone.status).toBe(200);
    const nul = await patient.api.get('/api/chat/contacts?q=a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('a reaction is one emoji', () => {
  it('takes flags, skin tones and ZWJ families, and refuses an emoji carrying combining marks', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await t.connect(patient.token);
    const sent = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'how are you?',
    });
    for (const emoji of ['👍🏽', '🇫🇷', '👨‍👩‍👧‍👦', '1️⃣'])
      expect((await p.emitAck('chat:react', { messageId: sent.message.id, emoji, on: true })).ok).toBe(true);
    const zalgo = '👍' + '\u0301'.repeat(60);
    const refused = await p.emitAck('chat:react', { messageId: sent.message.id, emoji: zalgo, on: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const overRest = await doctor.api.put(
      `/api/chat/messages/${sent.message.id}/reactions/${encodeURIComponent('👍\u0301')}`,
    );
    expect(overRest.status).toBe(400);
    expect(overRest.body.error.code).toBe('VALIDATION_FAILED');
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data[0].reactions.map((r: any) => r.emoji).sort()).toEqual(['👍🏽', '🇫🇷', '👨‍👩‍👧‍👦', '1️⃣'].sort());
  });
});
