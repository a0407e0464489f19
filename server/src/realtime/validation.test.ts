import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { startTestApp } from '../test/app.js';
import { clientId, createPair } from '../test/factories.js';
import { FakeClock } from '../test/fake-clock.js';
import { connectClient } from '../test/socket-client.js';
import type { Reply } from '../test/http-client.js';

const t = useTestApp();

/** Payloads that are not an object at all: the whole input is the bad field. */
const notObjects: [string, unknown][] = [
  ['no payload', undefined],
  ['null', null],
  ['a string', 'chat text in the wrong place'],
  ['a number', 42],
  ['a boolean', true],
  ['an empty array', []],
  ['an array', [{ conversationId: randomUUID() }]],
];

/** Per event: an object with one bad field, and the field the error must name. */
function badFields(conversationId: string, secret: string): Record<string, [unknown, string][]> {
  const id = randomUUID();
  const ref: [unknown, string][] = [
    [{}, 'conversationId'],
    [{ conversationId: 'not-a-uuid' }, 'conversationId'],
    [{ conversationId: 7 }, 'conversationId'],
    [{ conversationId: { $ne: null } }, 'conversationId'],
  ];
  const receipt: [unknown, string][] = [
    ...ref.map(([p, f]) => [{ ...(p as object), upToSeq: 1 }, f] as [unknown, string]),
    [{ conversationId, upToSeq: -1 }, 'upToSeq'],
    [{ conversationId, upToSeq: 1.5 }, 'upToSeq'],
    [{ conversationId, upToSeq: 'many' }, 'upToSeq'],
    [{ conversationId, upToSeq: 2 ** 31 }, 'upToSeq'],
    [{ conversationId }, 'upToSeq'],
  ];
  const send = (extra: object) => ({ conversationId, clientMessageId: clientId(), content: 'fine', ...extra });
  return {
    'chat:message': [
      [send({ conversationId: 'not-a-uuid' }), 'conversationId'],
      [send({ clientMessageId: 5 }), 'clientMessageId'],
      [send({ clientMessageId: '' }), 'clientMessageId'],
      [send({ clientMessageId: 'c'.repeat(129) }), 'clientMessageId'],
      [{ conversationId, content: 'no client id' }, 'clientMessageId'],
      [send({ content: `${secret} `.repeat(5001).slice(0, 5001) }), 'content'],
      [send({ content: ' \n\t  ' }), 'content'],
      [send({ content: 12 }), 'content'],
      [send({ content: undefined }), 'content'],
      [send({ replyToId: 'first message' }), 'replyToId'],
      [send({ attachmentIds: 'all of them' }), 'attachmentIds'],
      [send({ attachmentIds: Array.from({ length: 11 }, () => randomUUID()) }), 'attachmentIds'],
      [send({ requestAck: 'yes' }), 'requestAck'],
      [send({ urgent: 1 }), 'urgent'],
    ],
    'chat:edit': [
      [{ messageId: 'nope', content: 'x' }, 'messageId'],
      [{ content: 'x' }, 'messageId'],
      [{ messageId: id, content: secret.repeat(300) }, 'content'],
      [{ messageId: id, content: '   ' }, 'content'],
      [{ messageId: id, content: null }, 'content'],
    ],
    'chat:delete': [
      [{ messageId: id, scope: 'nobody' }, 'scope'],
      [{ messageId: id, scope: 'EVERYONE' }, 'scope'],
      [{ messageId: id }, 'scope'],
      [{ messageId: 123, scope: 'self' }, 'messageId'],
    ],
    'chat:react': [
      [{ messageId: id, emoji: 'abc', on: true }, 'emoji'],
      [{ messageId: id, emoji: '👍👍', on: true }, 'emoji'],
      [{ messageId: id, emoji: '', on: true }, 'emoji'],
      [{ messageId: id, emoji: '👍', on: 'yes' }, 'on'],
      [{ messageId: [], emoji: '👍', on: true }, 'messageId'],
    ],
    'chat:acknowledge': [
      [{ messageId: 'not-a-uuid' }, 'messageId'],
      [{}, 'messageId'],
    ],
    'chat:delivered': receipt,
    'chat:read': receipt,
    'chat:typing:start': ref,
    'chat:typing:stop': ref,
    'chat:join': ref,
    'chat:leave': ref,
    'conversation:assign': [
      ...ref.map(([p, f]) => [{ ...(p as object), userId: null }, f] as [unknown, string]),
      [{ conversationId }, 'userId'],
      [{ conversationId, userId: 5 }, 'userId'],
      [{ conversationId, userId: '' }, 'userId'],
    ],
  };
}

/** Every string in a payload long enough to be recognisable, so an error can be checked not to echo it. */
const stringsIn = (v: unknown): string[] =>
  typeof v === 'string'
    ? v.trim().length >= 6
      ? [v.trim().slice(0, 40)]
      : []
    : v && typeof v === 'object'
      ? Object.values(v).flatMap(stringsIn)
      : [];

describe('malformed socket payloads', () => {
  it('get VALIDATION_FAILED naming the field for each client event, never echo content; socket works on', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [s, d] = await Promise.all([t.connect(patient.token), t.connect(doctor.token)]);
    const secret = 'chest pain since Monday';
    const cases = badFields(conversation.id, secret);
    expect(Object.keys(cases).sort()).toEqual([...CLIENT_EVENTS].sort());
    let checked = 0;
    for (const event of CLIENT_EVENTS) {
      const all: [string, unknown, string][] = [
        ...notObjects.map(([name, p]) => [name, p, 'input'] as [string, unknown, string]),
        ...cases[event]!.map(([p, field]) => [JSON.stringify(p).slice(0, 80), p, field] as [string, unknown, string]),
      ];
      for (const [name, payload, field] of all) {
        const ack = payload === undefined ? await s.emitAck(event) : await s.emitAck(event, payload);
        const what = `${event} ${name}`;
        expect(ack, what).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
        expect(ack.error.message, what).toMatch(new RegExp(`^${field}\\b`));
        expect(ack.error.message, what).not.toContain('chest pain');
        for (const text of stringsIn(payload)) expect(ack.error.message, what).not.toContain(text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(s.socket.connected).toBe(true);
    // Nothing was stored or broadcast by any of it.
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastSeq).toBe(0);
    expect(d.all('chat:message')).toEqual([]);

    // The same socket still works, and the limits are exactly the documented ones.
    const ok = await s.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'still here',
    });
    expect(ok).toMatchObject({ ok: true, message: { content: 'still here', seq: 1 } });
    await d.waitFor('chat:message', (m) => m.id === ok.message.id);
    const max = await s.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: `  ${'x'.repeat(5000)}  `,
    });
    expect(max.ok).toBe(true);
    expect(max.message.content).toHaveLength(5000);
    expect((await s.emitAck('chat:read', { conversationId: conversation.id, upToSeq: 2 })).ok).toBe(true);
    expect((await s.emitAck('chat:react', { messageId: ok.message.id, emoji: '👍🏽', on: true })).ok).toBe(true);
    expect((await s.emitAck('chat:delete', { messageId: ok.message.id, scope: 'self' })).ok).toBe(true);
  });

  it('survive events with no ack callback: the effect still happens and nothing crashes', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([t.connect(patient.token), t.connect(doctor.token)]);
    for (const event of CLIENT_EVENTS)
      for (const [, payload] of [...notObjects, ['bad field', { conversationId: 'x', messageId: 'y' }]])
        (p.socket as any).emit(event, payload);
    (p.socket as any).emit('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'fire and forget',
    });
    (p.socket as any).emit('no:such:event', { anything: true }, () => undefined);
    await d.waitFor('chat:message', (m) => m.content === 'fire and forget');
    expect(p.socket.connected).toBe(true);
    const ack = await p.emitAck('chat:typing:start', { conversationId: conversation.id });
    expect(ack).toEqual({ ok: true });
  });

  it('drop a socket that sends a frame over the size limit, and keep serving everyone else', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = await Promise.all([t.connect(patient.token), t.connect(doctor.token)]);
    const big = await t.connect(patient.token);
    const closed = new Promise<string>((resolve) => big.socket.once('disconnect', (reason) => resolve(reason)));
    (big.socket as any).emit(
      'chat:message',
      { conversationId: conversation.id, clientMessageId: clientId(), content: 'x'.repeat(200_000) },
      () => undefined,
    );
    expect(await closed).toBeTruthy();
    expect(big.socket.connected).toBe(false);
    // Nothing was stored, and the server serves the others, new connections and HTTP.
    const ok = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'others unaffected',
    });
    expect(ok).toMatchObject({ ok: true, message: { seq: 1 } });
    await d.waitFor('chat:message', (m) => m.id === ok.message.id);
    const again = await t.connect(patient.token);
    expect((await again.emitAck('chat:join', { conversationId: conversation.id })).ok).toBe(true);
    expect((await t.anon.get('/healthz')).status).toBe(200);
  });

  it('rate-limit a socket that floods, per socket, without disconnecting it', async () => {
    // The budget refills on the services' clock: the test moves it instead of pausing.
    const clock = new FakeClock();
    const limited = await startTestApp({ SOCKET_EVENTS_PER_10S: '10' }, { clock });
    const sockets = [];
    try {
      const { patient, conversation } = await createPair(limited);
      const s = await connectClient(limited.url, { token: patient.token });
      sockets.push(s);
      const acks = await Promise.all(
        Array.from({ length: 25 }, () => s.emitAck('chat:typing:start', { conversationId: conversation.id })),
      );
      const limitedAcks = acks.filter((a) => !a.ok);
      expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(9);
      expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(12);
      expect(limitedAcks.length).toBeGreaterThanOrEqual(13);
      for (const a of limitedAcks)
        expect(a).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: expect.any(String) } });
      expect(s.socket.connected).toBe(true);
      // Even a send is refused while the bucket is empty, and nothing is stored.
      const refused = await s.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: 'flood',
      });
      expect(refused.error.code).toBe('RATE_LIMITED');
      expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastSeq).toBe(0);
      // Another device of the same person has its own allowance.
      const other = await connectClient(limited.url, { token: patient.token });
      sockets.push(other);
      expect((await other.emitAck('chat:typing:start', { conversationId: conversation.id })).ok).toBe(true);
      // The bucket refills: ten events per ten seconds is one a second.
      clock.advance(1200);
      expect(
        (
          await s.emitAck('chat:message', {
            conversationId: conversation.id,
            clientMessageId: clientId(),
            content: 'after a pause',
          })
        ).ok,
      ).toBe(true);
    } finally {
      sockets.forEach((s) => s.close());
      await limited.close();
    }
  });
});

describe('malformed HTTP', () => {
  const expectJsonError = (res: Reply, status: number, code: string, what: string) => {
    expect(res.status, what).toBe(status);
    expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(res.body, what).toEqual({ error: { code, message: expect.any(String) } });
    expect(JSON.stringify(res.body), what).not.toMatch(
      /\bat .*:\d+|\.ts\b|\.js\b|node_modules|stack|FST_|SELECT|syntax error/i,
    );
  };

  it('answers JSON errors with a code, naming the field, and never a stack trace', async () => {
    const { patient, conversation } = await createPair(t);
    const send = `/api/chat/conversations/${conversation.id}/messages`;
    const json = { 'content-type': 'application/json' };
    expectJsonError(
      await patient.api.request('POST', send, '{"content": "oops', json),
      400,
      'VALIDATION_FAILED',
      'invalid JSON',
    );
    expectJsonError(await patient.api.request('POST', send, '', json), 400, 'VALIDATION_FAILED', 'empty JSON body');
    expectJsonError(
      await patient.api.request('POST', send, 'content=hi', { 'content-type': 'text/plain' }),
      400,
      'VALIDATION_FAILED',
      'not JSON',
    );
    expectJsonError(await patient.api.request('POST', send, '[1,2]', json), 400, 'VALIDATION_FAILED', 'an array');
    expectJsonError(await patient.api.request('POST', send, 'null', json), 400, 'VALIDATION_FAILED', 'null');
    expectJsonError(await patient.api.request('POST', send, '"text"', json), 400, 'VALIDATION_FAILED', 'a string');
    const poisoned = `{"__proto__": {"isAdmin": true}, "clientMessageId": "${clientId()}", "content": "hi"}`;
    expectJsonError(
      await patient.api.request('POST', send, poisoned, json),
      400,
      'VALIDATION_FAILED',
      'prototype poisoning',
    );
    expectJsonError(
      await patient.api.request(
        'POST',
        send,
        JSON.stringify({ clientMessageId: clientId(), content: 'x'.repeat(2 * 1024 * 1024) }),
        json,
      ),
      413,
      'VALIDATION_FAILED',
      'over the body limit',
    );
    const missing = await patient.api.post(send, { clientMessageId: clientId() });
    expectJsonError(missing, 400, 'VALIDATION_FAILED', 'no content');
    expect(missing.body.error.message).toMatch(/^content\b/);
    const tooLong = await patient.api.post(send, {
      clientMessageId: clientId(),
      content: 'secret diagnosis '.repeat(300),
    });
    expectJsonError(tooLong, 400, 'VALIDATION_FAILED', 'too long');
    expect(tooLong.body.error.message).toMatch(/^content\b/);
    expect(tooLong.body.error.message).not.toContain('secret diagnosis');
    const badId = await patient.api.get('/api/chat/conversations/not-a-uuid');
    expectJsonError(badId, 400, 'VALIDATION_FAILED', 'bad id');
    expect(badId.body.error.message).toMatch(/^id\b/);
    expectJsonError(
      await patient.api.get('/api/chat/conversations?limit=1&limit=2'),
      400,
      'VALIDATION_FAILED',
      'repeated limit',
    );
    expectJsonError(await patient.api.get('/api/chat/conversations?q=a&q=b'), 400, 'VALIDATION_FAILED', 'repeated q');
    expectJsonError(
      await patient.api.request('DELETE', `/api/chat/messages/${randomUUID()}?scope=all`),
      400,
      'VALIDATION_FAILED',
      'bad scope',
    );

    for (const [method, path] of [
      ['GET', '/api/nothing-here'],
      ['POST', '/api/nothing-here'],
      ['DELETE', '/api/chat'],
      ['PUT', '/api/chat/conversations'],
    ] as const) {
      expectJsonError(await patient.api.request(method, path), 404, 'NOT_FOUND', `${method} ${path}`);
      expectJsonError(await t.anon.request(method, path), 404, 'NOT_FOUND', `anonymous ${method} ${path}`);
    }
    // Refused before routing (an over-long segment, broken percent-encoding): the same shape,
    // and the path is not echoed.
    for (const path of [
      `/api/chat/conversations/${'a'.repeat(600)}`,
      '/api/chat/conversations/%E0%A4%A',
      '/api/chat/messages/%zz/reactions/x',
    ]) {
      const res = await patient.api.get(path);
      expectJsonError(res, 400, 'VALIDATION_FAILED', path.slice(0, 40));
      expect(res.body.error.message).toMatch(/^url\b/);
      expect(res.body.error.message).not.toContain(path.slice(-20));
    }
  });

  it('refuses text PostgreSQL cannot store (a NUL character) as VALIDATION_FAILED, not as a server error', async () => {
    const { patient, conversation } = await createPair(t);
    const s = await t.connect(patient.token);
    const nul = 'a\u0000b';
    const answers: [string, Reply][] = [
      ['list q', await patient.api.get(`/api/chat/conversations?q=${encodeURIComponent(nul)}`)],
      ['contacts q', await patient.api.get(`/api/chat/contacts?q=${encodeURIComponent(nul)}`)],
      [
        'clientMessageId',
        await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
          clientMessageId: nul,
          content: 'hi',
        }),
      ],
      ['participantId', await patient.api.post('/api/chat/conversations', { participantId: nul })],
    ];
    for (const [what, res] of answers) {
      expectJsonError(res, 400, 'VALIDATION_FAILED', what);
      expect(res.body.error.message, what).toContain('NUL');
    }
    const ack = await s.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: nul,
      content: 'hi',
    });
    expect(ack).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('NUL') } });
    expect(s.socket.connected).toBe(true);
    // Message text is encrypted before it is stored, so a NUL in it is fine.
    const text = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: nul,
    });
    expect(text.status).toBe(201);
    expect(text.body.content).toBe(nul);
  });
});
