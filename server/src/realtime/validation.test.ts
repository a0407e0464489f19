import { CLIENT_EVENTS } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { startTestApp } from '../test/app.js';
import { clientId, createPair } from '../test/factories.js';
import { connectClient, sleep } from '../test/socket-client.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);

const junk: unknown[] = [undefined, null, 'text', 42, [], [1, 2], { conversationId: 'not-a-uuid' }, { messageId: 123 }, { conversationId: {} }];

describe('malformed socket payloads', () => {
  it('get VALIDATION_FAILED on every event, and the connection keeps working', async () => {
    const { patient, conversation } = await createPair(t);
    const s = await connect(patient.token);
    for (const event of CLIENT_EVENTS)
      for (const payload of junk) {
        const ack = payload === undefined ? await s.emitAck(event) : await s.emitAck(event, payload);
        expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
        expect(typeof ack.error.message).toBe('string');
      }
    expect(s.socket.connected).toBe(true);
    const ok = await s.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'still here' });
    expect(ok.ok).toBe(true);
  });

  it('name the bad field and never echo the content', async () => {
    const { patient, conversation } = await createPair(t);
    const s = await connect(patient.token);
    const secret = 'chest pain since Monday '.repeat(220); // over 5000 characters
    const cases: [string, unknown, string][] = [
      ['chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: secret }, 'content'],
      ['chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: '   \n ' }, 'content'],
      ['chat:message', { conversationId: conversation.id, content: 'no client id' }, 'clientMessageId'],
      ['chat:message', { conversationId: conversation.id, clientMessageId: clientId() }, 'content'],
      ['chat:delete', { messageId: crypto.randomUUID(), scope: 'nobody' }, 'scope'],
      ['chat:react', { messageId: crypto.randomUUID(), emoji: '👍👍', on: true }, 'emoji'],
      ['chat:read', { conversationId: conversation.id, upToSeq: -1 }, 'upToSeq'],
      ['chat:edit', { messageId: crypto.randomUUID(), content: 7 }, 'content'],
    ];
    for (const [event, payload, field] of cases) {
      const ack = await s.emitAck(event, payload);
      expect(ack.error.code).toBe('VALIDATION_FAILED');
      expect(ack.error.message).toContain(field);
      expect(ack.error.message).not.toContain('chest pain');
    }
    // Exactly 5000 characters is allowed.
    const max = await s.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'x'.repeat(5000) });
    expect(max.ok).toBe(true);
  });

  it('survive events with no ack callback and oversized frames without harm to others', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    p.socket.emit('chat:message' as any, 'garbage');
    p.socket.emit('chat:message' as any, { conversationId: conversation.id, clientMessageId: clientId(), content: 'fire and forget' });
    await d.waitFor('chat:message', (m) => m.content === 'fire and forget');

    const big = await connect(patient.token);
    big.socket.emit('chat:message' as any, { conversationId: conversation.id, clientMessageId: clientId(), content: 'x'.repeat(200_000) });
    await sleep(300);
    expect(big.socket.connected).toBe(false); // over maxHttpBufferSize: that socket is dropped
    const ok = await p.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'others unaffected' });
    expect(ok.ok).toBe(true);
  });

  it('rate limit a socket that floods', async () => {
    const limited = await startTestApp({ SOCKET_EVENTS_PER_10S: '10' });
    try {
      const { patient, conversation } = await createPair(limited);
      const s = await connectClient(limited.url, { token: patient.token });
      const acks = await Promise.all(Array.from({ length: 25 }, () => s.emitAck('chat:typing:start', { conversationId: conversation.id })));
      expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(11);
      expect(acks.filter((a) => a.error?.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(14);
      expect(s.socket.connected).toBe(true);
      s.close();
    } finally {
      await limited.close();
    }
  });
});

describe('malformed HTTP', () => {
  it('answers JSON errors with a code and no stack trace', async () => {
    const { patient, conversation } = await createPair(t);
    const badJson = await patient.api.request('POST', `/api/chat/conversations/${conversation.id}/messages`, '{"content": "oops', {
      'content-type': 'application/json',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('VALIDATION_FAILED');
    const notFound = await patient.api.get('/api/nothing-here');
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.code).toBe('NOT_FOUND');
    const badId = await patient.api.get('/api/chat/conversations/not-a-uuid');
    expect(badId.status).toBe(400);
    const missing = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId() });
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    for (const r of [badJson, notFound, badId, missing]) expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts|stack|node_modules/);
  });
});
