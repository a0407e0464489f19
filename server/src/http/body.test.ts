import { describe, expect, it } from 'vitest';
import { clientId, createPair, createPatient } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { RawConnection, requestHead } from '../test/raw-http.js';
import { MAX_JSON_DEPTH } from './body.js';

const t = useTestApp();
const MiB = 1024 * 1024;

describe('request bodies', () => {
  it('refuses an anonymous body unread: 401 while the client still holds most of it, then closes', async () => {
    for (const [path, auth] of [
      ['/api/chat/conversations', {}],
      ['/api/integration/batch', { authorization: 'Bearer not-the-service-key' }],
    ] as const) {
      const conn = await RawConnection.open(t.url);
      conn.write(requestHead('POST', path, t.url, MiB, auth));
      conn.write('['.repeat(16 * 1024)); // a sixty-fourth of what it announced, and no more
      const res = await conn.response();
      expect(res?.status).toBe(401);
      expect(res?.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
      expect(res?.headers.connection).toBe('close');
      // The rest is never read: the server hangs up rather than keep the connection for it.
      await conn.closed;
    }
  });

  it('refuses JSON nested deeper than any input has, before parsing it, with VALIDATION_FAILED', async () => {
    const { patient, doctor } = await createPair(t);
    const deep = (n: number) => `{"participantId":${'['.repeat(n)}${']'.repeat(n)}}`;
    const res = await patient.api.post('/api/chat/conversations', deep(MAX_JSON_DEPTH + 1));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: `body: nested deeper than ${MAX_JSON_DEPTH} levels` },
    });

    // Four megabytes of it to the route that takes megabytes, with the right key.
    const batch = await t.service.request('POST', '/api/integration/batch', '['.repeat(2 * MiB) + ']'.repeat(2 * MiB));
    expect(batch.status).toBe(400);
    expect(batch.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
    });

    // Brackets inside a string are text, not nesting.
    const text = '[[[[[[[[[[[[{{{{{{{{{{ "quoted" \\ [[[[';
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: text,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.content).toBe(text);
  });

  it('gives each route the body it needs: past it 413 with the error body', async () => {
    const { patient, conversation } = await createPair(t);
    const tooLarge = (res: { status: number; body: any }) => {
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(/^body: larger than this endpoint takes \(\d+ KiB\)$/),
        },
      });
    };
    // Sign-in takes a few KB.
    tooLarge(await t.anon.post('/api/auth/login', { email: 'someone@clinic.test', password: 'x'.repeat(9 * 1024) }));
    // Most routes take 16 KiB.
    tooLarge(await patient.api.post('/api/chat/conversations', { participantId: 'x'.repeat(17 * 1024) }));
    tooLarge(await patient.api.put('/api/push/settings', { showSender: true, pad: 'x'.repeat(17 * 1024) }));
    // A message: the longest one, every character escaped, fits; more does not.
    const longest = await patient.api.request(
      'POST',
      `/api/chat/conversations/${conversation.id}/messages`,
      `{"clientMessageId":"${clientId()}","content":"${'\\u00e9'.repeat(5000)}"}`,
    );
    expect(longest.status).toBe(201);
    tooLarge(
      await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
        clientMessageId: clientId(),
        content: 'x'.repeat(70 * 1024),
      }),
    );
    // The integration batch alone takes megabytes.
    const people = Array.from({ length: 5000 }, (_, i) => ({
      id: `bulk-${Date.now()}-${i}`,
      name: `Person ${i} ${'x'.repeat(150)}`,
      role: 'PATIENT',
      status: 'active',
    }));
    const batch = await t.service.post('/api/integration/batch', { users: people });
    expect(JSON.stringify({ users: people }).length).toBeGreaterThan(MiB);
    expect(batch.status).toBe(200);
  });

  it('still reads what a signed-in client sends, and refuses the wrong role before the body', async () => {
    const patient = await createPatient(t);
    const conn = await RawConnection.open(t.url);
    conn.write(
      requestHead('PUT', '/api/admin/conversations/00000000-0000-4000-8000-000000000000/legal-hold', t.url, MiB, {
        authorization: `Bearer ${patient.token}`,
      }),
    );
    const res = await conn.response();
    expect(res?.status).toBe(403);
    expect(res?.body.error.code).toBe('FORBIDDEN');
    conn.close();
  });
});
