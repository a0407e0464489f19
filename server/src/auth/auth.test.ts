import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, signJwt, uniqueId, type TestApp } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';
import { connectClient, sleep } from '../test/socket-client.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from './password.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
});
afterAll(() => t.close());

async function createWithPassword(app: TestApp, password = 'correct horse battery') {
  const id = uniqueId('u');
  const email = `${id}@clinic.test`;
  await upsertUsers(app.db, [{ id, name: `Pat ${id}`, email, role: 'PATIENT', status: 'active', passwordHash: await hashPassword(password) }]);
  return { id, email, password };
}

const login = (app: TestApp, email: string, password: string) => app.anon.post('/api/auth/login', { email, password });

describe('password sign-in', () => {
  it('returns the user, a token and an HttpOnly SameSite=Strict cookie; either works alone', async () => {
    const u = await createWithPassword(t);
    const res = await login(t, u.email.toUpperCase(), u.password);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: u.id, name: `Pat ${u.id}`, email: u.email, role: 'PATIENT', status: 'active' });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/carechat_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const byBearer = await new HttpClient(t.url, res.body.accessToken).get('/api/auth/me');
    expect(byBearer.body.user.id).toBe(u.id);
    const byCookie = await t.anon.get('/api/auth/me', { cookie: cookie.split(';')[0]! });
    expect(byCookie.body.user.id).toBe(u.id);
    const socket = await connectClient(t.url, { headers: { cookie: cookie.split(';')[0]! } });
    expect(socket.socket.connected).toBe(true);
    socket.close();
  });

  it('answers a wrong password and an unknown email the same way, and audits both', async () => {
    const u = await createWithPassword(t);
    const wrong = await login(t, u.email, 'nope');
    const unknown = await login(t, `${uniqueId('x')}@clinic.test`, 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const { rows } = await t.db.query(`SELECT outcome FROM audit_events WHERE action = 'auth.login' AND actor_id = $1`, [u.id]);
    expect(rows.map((r) => r.outcome)).toEqual(['failure']);
  });

  it('rate limits repeated failures for an account, even with the right password afterwards', async () => {
    const u = await createWithPassword(t);
    for (let i = 0; i < 5; i++) expect((await login(t, u.email, 'wrong')).status).toBe(401);
    const limited = await login(t, u.email, u.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('rate limits repeated failures from one address across accounts', async () => {
    const strict = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '3' });
    try {
      for (let i = 0; i < 3; i++) await login(strict, `${uniqueId('x')}@clinic.test`, 'wrong');
      const u = await createWithPassword(strict);
      expect((await login(strict, u.email, u.password)).status).toBe(429);
    } finally {
      await strict.close();
    }
  });

  it('logout ends the session at once, for HTTP and for its sockets', async () => {
    const u = await createWithPassword(t);
    const { body } = await login(t, u.email, u.password);
    const api = new HttpClient(t.url, body.accessToken);
    const socket = await connectClient(t.url, { token: body.accessToken });
    expect((await api.post('/api/auth/logout')).status).toBe(204);
    expect((await socket.waitFor('session:ended')).reason).toBe('logout');
    expect((await api.get('/api/auth/me')).status).toBe(401);
    await expect(connectClient(t.url, { token: body.accessToken })).rejects.toThrow('UNAUTHENTICATED');
  });
});

describe('idle sessions', () => {
  it('expire after the idle time (sockets disconnected), while activity keeps them alive', async () => {
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(3 / 60), SESSION_SWEEP_SECONDS: '0.5' });
    try {
      const u = await createWithPassword(idle);
      const active = new HttpClient(idle.url, (await login(idle, u.email, u.password)).body.accessToken);
      const dormant = (await login(idle, u.email, u.password)).body.accessToken;
      const socket = await connectClient(idle.url, { token: dormant });
      for (let i = 0; i < 5; i++) {
        await sleep(1000);
        expect((await active.get('/api/auth/me')).status).toBe(200);
      }
      expect((await socket.waitFor('session:ended', () => true, 3000)).reason).toBe('expired');
      expect((await new HttpClient(idle.url, dormant).get('/api/auth/me')).status).toBe(401);
      expect((await active.get('/api/auth/me')).status).toBe(200);
    } finally {
      await idle.close();
    }
  }, 20_000);
});

describe('an expired session', () => {
  it('is not revived by a socket event sent after it expired, before the sweep', async () => {
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(2 / 60), SESSION_SWEEP_SECONDS: '600' });
    try {
      const u = await createWithPassword(idle);
      const token = (await login(idle, u.email, u.password)).body.accessToken;
      const socket = await connectClient(idle.url, { token });
      await sleep(2500);
      const ack = await socket.emitAck('chat:typing:start', { conversationId: crypto.randomUUID() });
      expect(ack.error.code).toBe('UNAUTHENTICATED');
      expect((await socket.waitFor('session:ended')).reason).toBe('expired');
      expect((await new HttpClient(idle.url, token).get('/api/auth/me')).status).toBe(401);
    } finally {
      await idle.close();
    }
  });
});

describe('host-platform JWTs', () => {
  const claims = (over: Record<string, unknown> = {}) => ({
    sub: uniqueId('host'),
    role: 'DOCTOR',
    name: 'Dr. Host',
    email: `${uniqueId('h')}@host.test`,
    exp: Math.floor(Date.now() / 1000) + 600,
    ...over,
  });

  it('create the user from the claims on first sight', async () => {
    const c = claims();
    const me = await new HttpClient(t.url, signJwt(c)).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: c.sub, name: 'Dr. Host', email: c.email, role: 'DOCTOR' });
  });

  it('refuse expired, unsigned and wrongly signed tokens on HTTP and sockets', async () => {
    const bad = [
      signJwt(claims({ exp: Math.floor(Date.now() / 1000) - 10 })),
      signJwt(claims(), 'another-secret'),
      signJwt(claims(), 'ignored', { alg: 'none', typ: 'JWT' }).split('.').slice(0, 2).join('.') + '.',
      signJwt(claims(), 'ignored', { alg: 'HS512', typ: 'JWT' }),
      'not-a-token',
    ];
    for (const token of bad) {
      const res = await new HttpClient(t.url, token).get('/api/auth/me');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      await expect(connectClient(t.url, { token })).rejects.toThrow('UNAUTHENTICATED');
    }
  });
});

describe('socket handshakes', () => {
  it('need credentials and refuse a foreign browser Origin', async () => {
    await expect(connectClient(t.url, {})).rejects.toThrow('UNAUTHENTICATED');
    const token = signJwt({ sub: uniqueId('o'), role: 'PATIENT', name: 'Origin Test', exp: Math.floor(Date.now() / 1000) + 600 });
    await expect(connectClient(t.url, { token, headers: { origin: 'http://evil.example' } })).rejects.toThrow('FORBIDDEN');
    const same = await connectClient(t.url, { token, headers: { origin: t.url } });
    expect(same.socket.connected).toBe(true);
    same.close();
  });

  it('accept the extra origins listed in ALLOWED_ORIGINS', async () => {
    const portal = await startTestApp({ ALLOWED_ORIGINS: 'https://portal.clinic.example, https://app.clinic.example' });
    try {
      const token = signJwt({ sub: uniqueId('o'), role: 'PATIENT', name: 'Portal User', exp: Math.floor(Date.now() / 1000) + 600 });
      const listed = await connectClient(portal.url, { token, headers: { origin: 'https://app.clinic.example' } });
      expect(listed.socket.connected).toBe(true);
      listed.close();
      await expect(connectClient(portal.url, { token, headers: { origin: 'https://other.example' } })).rejects.toThrow('FORBIDDEN');
    } finally {
      await portal.close();
    }
  });
});
