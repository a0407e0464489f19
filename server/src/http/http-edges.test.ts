import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../test/app.js';
import { createPatient } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { connectClient } from '../test/socket-client.js';
import { hashPassword } from '../auth/password.js';
import { upsertUsers } from '../users/users.store.js';

const PORTAL = 'https://portal.clinic.example';
// Written as an operator might (capitals, the default port): compared as the browser sends it.
const t = useTestApp({ ALLOWED_ORIGINS: 'https://Portal.Clinic.example:443' });

const errorBody = { error: { code: expect.any(String), message: expect.any(String) } };

/** Writes `text` on a bare TCP connection and resolves with everything the server sent back. */
function rawExchange(text: string): Promise<string> {
  const { port, hostname } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('answers outside the routes use the protocol error body', () => {
  it('431 for headers too large, from Node’s parser', async () => {
    const answer = await rawExchange(`GET /api/auth/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'headers: too large' } });
  });

  it('400 for a request that is not HTTP', async () => {
    const answer = await rawExchange('HELLO THERE\r\n\r\n');
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('404 for an unknown API route and for a missing file, which is not answered with the app’s page', async () => {
    for (const path of ['/api/nothing-here', '/assets/missing-1234.js', '/favicon-gone.ico']) {
      const res = await t.anon.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
    // A page of the app (a client-side route) is still the app.
    const page = await t.anon.get('/conversations/some-id');
    expect([200, 404]).toContain(page.status);
    if (page.status === 404) expect(page.body).toEqual(errorBody);
  });

  it('Socket.IO’s own refusals (OPTIONS, unknown transport) in the protocol body; both transports work', async () => {
    for (const [method, path] of [
      ['OPTIONS', '/socket.io/'],
      ['GET', '/socket.io/?EIO=4&transport=carrier-pigeon'],
      ['GET', '/socket.io/?EIO=4&transport=polling&sid=nope'],
    ] as const) {
      const res = await t.anon.request(method, path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual({
        error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^socket\.io: /) },
      });
    }
    const patient = await createPatient(t);
    for (const transports of [['polling'], ['websocket']] as const) {
      const s = await connectClient(t.url, { token: patient.token, transports: [...transports] });
      expect(s.socket.connected).toBe(true);
      s.close();
    }
  });
});

describe('cross-origin calls (protocol v1.1, Embedding)', () => {
  it('answers an allowed origin’s preflight 204 with methods and headers, never credentials', async () => {
    const res = await t.anon.request('OPTIONS', '/api/chat/conversations', undefined, {
      origin: PORTAL,
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gives other origins no CORS headers, and every other OPTIONS the protocol’s 404', async () => {
    for (const headers of [
      { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      { origin: 'http://portal.clinic.example', 'access-control-request-method': 'GET' },
      {} as Record<string, string>,
    ]) {
      const res = await t.anon.request('OPTIONS', '/api/chat/conversations', undefined, headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const page = await t.anon.request('OPTIONS', '/', undefined, {
      origin: PORTAL,
      'access-control-request-method': 'GET',
    });
    expect(page.status).toBe(404);
    expect(page.body).toEqual(errorBody);
  });

  it('lets the allowed origin call with a bearer token and read the answer; others get no header for it', async () => {
    const patient = await createPatient(t);
    const allowed = await patient.api.get('/api/auth/me', { origin: PORTAL });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await patient.api.get('/api/auth/me', { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('an Origin is compared with its scheme', () => {
  const signIn = async () => {
    const email = `${uniqueId('origin')}@clinic.test`;
    await upsertUsers(t.db, [
      {
        id: uniqueId('origin'),
        name: 'Olive Origin',
        email,
        role: 'PATIENT',
        status: 'active',
        passwordHash: await hashPassword('pw-origin-123'),
      },
    ]);
    const res = await t.anon.post('/api/auth/login', { email, password: 'pw-origin-123' });
    expect(res.status).toBe(200);
    return {
      cookie: res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      token: res.body.accessToken as string,
    };
  };

  it('refuses a cookie change from the same host on another scheme, takes it from the exact origin', async () => {
    const { cookie } = await signIn();
    const sameHostHttps = t.url.replace('http:', 'https:');
    const forged = await t.anon.request('POST', '/api/auth/logout', {}, { cookie, origin: sameHostHttps });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('FORBIDDEN');
    expect((await t.anon.get('/api/auth/me', { cookie })).status).toBe(200);
    expect((await t.anon.request('POST', '/api/auth/logout', {}, { cookie, origin: t.url })).status).toBe(204);
  });

  it('refuses a socket handshake from the same host, other scheme; takes the exact and listed origins', async () => {
    const { token } = await signIn();
    await expect(
      connectClient(t.url, { token, headers: { origin: t.url.replace('http:', 'https:') } }),
    ).rejects.toThrow('FORBIDDEN');
    await expect(connectClient(t.url, { token, headers: { origin: 'http://portal.clinic.example' } })).rejects.toThrow(
      'FORBIDDEN',
    );
    const same = await connectClient(t.url, { token, headers: { origin: t.url } });
    same.close();
    const listed = await connectClient(t.url, { token, headers: { origin: PORTAL } });
    listed.close();
  });
});
