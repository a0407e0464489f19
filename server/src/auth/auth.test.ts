import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, signJwt, uniqueId, type TestApp } from '../test/app.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';
import { connectClient, type TestSocket } from '../test/socket-client.js';
import { createPatient } from '../test/factories.js';
import { elapseForSessions, FakeClock } from '../test/fake-clock.js';
import { ensureUser, findUserById, upsertUsers } from '../users/users.store.js';
import { hashPassword } from './password.js';

// Every sign-in here comes from 127.0.0.1: the per-address limit is raised so that this file's
// deliberate failures only trip the per-account-and-address limit they are testing. The limits
// across addresses are tested in sign-in-limits.test.ts.
let t: TestApp;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await t.close();
});

async function connect(url: string, opts: { token?: string; headers?: Record<string, string> }) {
  const s = await connectClient(url, opts);
  sockets.push(s);
  return s;
}

/** Resolves with the reason once the server has disconnected `s` (listen right after connecting). */
const disconnection = (s: TestSocket) =>
  new Promise<string>((resolve) => s.socket.once('disconnect', (reason) => resolve(reason)));

async function createWithPassword(app: TestApp, password = 'correct horse battery') {
  const id = uniqueId('u');
  const email = `${id}@clinic.test`;
  await upsertUsers(app.db, [
    { id, name: `Pat ${id}`, email, role: 'PATIENT', status: 'active', passwordHash: await hashPassword(password) },
  ]);
  return { id, email, password };
}

const login = (app: TestApp, email: string, password: string) => app.anon.post('/api/auth/login', { email, password });
const sessionCookie = (setCookie: string) => setCookie.split(';')[0]!;
const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;

describe('password sign-in', () => {
  it('returns the user, a token and an HttpOnly SameSite=Strict cookie; either works alone', async () => {
    const u = await createWithPassword(t);
    const res = await login(t, u.email.toUpperCase(), u.password);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: u.id, name: `Pat ${u.id}`, email: u.email, role: 'PATIENT', status: 'active' });
    expect(typeof res.body.accessToken).toBe('string');
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^carechat_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP here; Secure is for HTTPS
    // The cookie and the token are two handles on one session, each sufficient alone.
    const byBearer = await new HttpClient(t.url, res.body.accessToken).get('/api/auth/me');
    expect(byBearer.status).toBe(200);
    expect(byBearer.body.user).toMatchObject({ id: u.id, name: `Pat ${u.id}`, email: u.email, role: 'PATIENT' });
    const byCookie = await t.anon.get('/api/auth/me', { cookie: sessionCookie(cookie) });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.user.id).toBe(u.id);
    expect((await t.anon.get('/api/auth/me')).status).toBe(401);
    const socket = await connect(t.url, { headers: { cookie: sessionCookie(cookie) } });
    expect(socket.socket.connected).toBe(true);
  });

  it('answers a wrong password and an unknown email the same way, and audits both', async () => {
    const u = await createWithPassword(t);
    const wrong = await login(t, u.email, 'nope');
    const unknown = await login(t, `${uniqueId('x')}@clinic.test`, 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const { rows } = await t.db.query(
      `SELECT outcome FROM audit_events WHERE action = 'auth.login' AND actor_id = $1`,
      [u.id],
    );
    expect(rows.map((r) => r.outcome)).toEqual(['failure']);
  });

  it('rate limits repeated failures for an account from an address, even with the right password after', async () => {
    const u = await createWithPassword(t);
    const other = await createWithPassword(t);
    for (let i = 0; i < 5; i++) expect((await login(t, u.email, 'wrong')).status).toBe(401);
    const limited = await login(t, u.email, u.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('set-cookie')).toBeNull();
    // Per account: someone else signing in from the same address is not affected.
    expect((await login(t, other.email, other.password)).status).toBe(200);
  });

  it('counts guesses sent in parallel like guesses sent one after another', async () => {
    const u = await createWithPassword(t);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => login(t, u.email, `guess-${i}`)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect((await login(t, u.email, u.password)).status).toBe(429);
  });

  it('behind a proxy, limits the address the proxy saw, whatever X-Forwarded-For the client wrote', async () => {
    const proxied = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '3', TRUST_PROXY: 'true' });
    try {
      // The proxy appends the address it saw (203.0.113.7) to what the client sent, a new lie each time.
      const via = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` });
      for (let i = 0; i < 3; i++)
        await proxied.anon.request(
          'POST',
          '/api/auth/login',
          { email: `${uniqueId('x')}@clinic.test`, password: 'wrong' },
          via(i),
        );
      const u = await createWithPassword(proxied);
      const res = await proxied.anon.request(
        'POST',
        '/api/auth/login',
        { email: u.email, password: u.password },
        via(9),
      );
      expect(res.status).toBe(429);
      // Another client behind the same proxy is not held back.
      const other = await proxied.anon.request(
        'POST',
        '/api/auth/login',
        { email: u.email, password: u.password },
        { 'x-forwarded-for': '203.0.113.8' },
      );
      expect(other.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('rate limits repeated failures from one address across accounts', async () => {
    const strict = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '3' });
    try {
      for (let i = 0; i < 3; i++) await login(strict, `${uniqueId('x')}@clinic.test`, 'wrong');
      const u = await createWithPassword(strict);
      const res = await login(strict, u.email, u.password);
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('refuses a change with the cookie from another site; the app’s own origin and tokens are unaffected', async () => {
    const u = await createWithPassword(t);
    const first = await login(t, u.email, u.password);
    const cookie = sessionCookie(first.headers.get('set-cookie')!);
    // A form on another site (a sibling subdomain gets the SameSite=Strict cookie sent too).
    const forged = await t.anon.request(
      'POST',
      '/api/auth/logout',
      {},
      { cookie, origin: 'https://portal.evil.example' },
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('FORBIDDEN');
    expect((await t.anon.get('/api/auth/me', { cookie })).status).toBe(200); // nothing happened
    // Reading with the cookie from anywhere is unchanged (a GET changes nothing).
    expect((await t.anon.get('/api/auth/me', { cookie, origin: 'https://portal.evil.example' })).status).toBe(200);
    // A bearer token is never sent by a browser on its own: no origin needed.
    const second = await login(t, u.email, u.password);
    expect(
      (
        await t.anon.request(
          'POST',
          '/api/auth/logout',
          {},
          { authorization: `Bearer ${second.body.accessToken}`, origin: 'https://portal.evil.example' },
        )
      ).status,
    ).toBe(204);
    // From the app's own origin the cookie works.
    expect(
      (await t.anon.request('POST', '/api/auth/logout', {}, { cookie, origin: new URL(t.url).origin })).status,
    ).toBe(204);
    expect((await t.anon.get('/api/auth/me', { cookie })).status).toBe(401);
  });

  it('logout ends that session at once (token, cookie and its sockets) and no other', async () => {
    const u = await createWithPassword(t);
    const first = await login(t, u.email, u.password);
    const second = await login(t, u.email, u.password);
    const cookie = sessionCookie(first.headers.get('set-cookie')!);
    const byToken = await connect(t.url, { token: first.body.accessToken });
    const byCookie = await connect(t.url, { headers: { cookie } });
    const otherDevice = await connect(t.url, { token: second.body.accessToken });
    const gone = [disconnection(byToken), disconnection(byCookie)];

    const out = await t.anon.request('POST', '/api/auth/logout', {}, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/carechat_session=;/);
    for (const s of [byToken, byCookie])
      expect(await s.waitFor('session:ended')).toEqual({ reason: 'logout', code: 'UNAUTHENTICATED' });
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await new HttpClient(t.url, first.body.accessToken).get('/api/auth/me')).status).toBe(401);
    expect((await t.anon.get('/api/auth/me', { cookie })).status).toBe(401);
    await expect(connectClient(t.url, { token: first.body.accessToken })).rejects.toThrow('UNAUTHENTICATED');
    await expect(connectClient(t.url, { headers: { cookie } })).rejects.toThrow('UNAUTHENTICATED');

    // The same person's other session is untouched.
    expect((await new HttpClient(t.url, second.body.accessToken).get('/api/auth/me')).status).toBe(200);
    expect(otherDevice.socket.connected).toBe(true);
    expect(otherDevice.all('session:ended')).toEqual([]);
    expect((await new HttpClient(t.url, first.body.accessToken).post('/api/auth/logout')).status).toBe(401);
  });
});

describe('idle sessions', () => {
  it('expire after the idle time (sockets disconnected), while activity keeps them alive', async () => {
    // Time moves on the services' clock and in the sessions' rows, not by waiting.
    const clock = new FakeClock();
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(3 / 60), SESSION_SWEEP_SECONDS: '0.5' }, { clock });
    try {
      const u = await createWithPassword(idle);
      const active = new HttpClient(idle.url, (await login(idle, u.email, u.password)).body.accessToken);
      const dormant = (await login(idle, u.email, u.password)).body.accessToken;
      const socket = await connectClient(idle.url, { token: dormant });
      const gone = disconnection(socket);
      // Requests every second for five seconds: longer than the idle time, never idle.
      for (let i = 0; i < 5; i++) {
        await elapseForSessions(idle.db, clock, u.id, 1000);
        expect((await active.get('/api/auth/me')).status).toBe(200);
      }
      expect(await socket.waitFor('session:ended', () => true, 3000)).toEqual({
        reason: 'expired',
        code: 'UNAUTHENTICATED',
      });
      expect(await gone).toBe('io server disconnect');
      expect((await new HttpClient(idle.url, dormant).get('/api/auth/me')).status).toBe(401);
      await expect(connectClient(idle.url, { token: dormant })).rejects.toThrow('UNAUTHENTICATED');
      expect((await active.get('/api/auth/me')).status).toBe(200);
    } finally {
      await idle.close();
    }
  }, 20_000);

  it('stay alive while their socket is active', async () => {
    const clock = new FakeClock();
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(2 / 60), SESSION_SWEEP_SECONDS: '0.5' }, { clock });
    try {
      const u = await createWithPassword(idle);
      const token = (await login(idle, u.email, u.password)).body.accessToken;
      const socket = await connectClient(idle.url, { token });
      try {
        // Typing is a person's action: it counts as activity (the answer itself is NOT_FOUND).
        for (let i = 0; i < 8; i++) {
          await elapseForSessions(idle.db, clock, u.id, 500);
          const ack = await socket.emitAck('chat:typing:start', { conversationId: crypto.randomUUID() });
          expect(ack.error.code).toBe('NOT_FOUND');
        }
        expect(socket.socket.connected).toBe(true);
        expect(socket.all('session:ended')).toEqual([]);
        expect((await new HttpClient(idle.url, token).get('/api/auth/me')).status).toBe(200);
      } finally {
        socket.close();
      }
    } finally {
      await idle.close();
    }
  }, 20_000);
});

describe('an expired session', () => {
  it('is not revived by a socket event sent after it expired, before the sweep', async () => {
    const clock = new FakeClock();
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(2 / 60), SESSION_SWEEP_SECONDS: '600' }, { clock });
    try {
      const u = await createWithPassword(idle);
      const token = (await login(idle, u.email, u.password)).body.accessToken;
      const socket = await connectClient(idle.url, { token });
      // 2.5 s pass, past the 2 s idle time: on the services' clock, and for the session's row,
      // whose idle time PostgreSQL counts with its own now().
      clock.advance(2500);
      await idle.db.query(
        `UPDATE sessions SET last_active_at = last_active_at - interval '2.5 seconds' WHERE user_id = $1`,
        [u.id],
      );
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
    exp: inTenMinutes(),
    ...over,
  });

  it('create the user from the claims on first sight, on HTTP and sockets', async () => {
    const c = claims();
    const me = await new HttpClient(t.url, signJwt(c)).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: c.sub, name: 'Dr. Host', email: c.email, role: 'DOCTOR' });
    expect(await findUserById(t.db, c.sub)).toMatchObject({
      id: c.sub,
      name: 'Dr. Host',
      email: c.email,
      role: 'DOCTOR',
      status: 'active',
    });

    const fresh = claims({ role: 'PATIENT', name: 'Socket First' });
    const socket = await connect(t.url, { token: signJwt(fresh) });
    expect(socket.socket.connected).toBe(true);
    expect(await findUserById(t.db, fresh.sub)).toMatchObject({ name: 'Socket First', role: 'PATIENT' });
  });

  it('create the user once when first seen by several requests at the same moment', async () => {
    // A browser's first page load sends several requests and a handshake at once.
    for (let round = 0; round < 5; round++) {
      const token = signJwt(claims({ role: 'PATIENT' }));
      const api = new HttpClient(t.url, token);
      const replies = await Promise.all(Array.from({ length: 8 }, () => api.get('/api/auth/me')));
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    }
    // The same race, straight at the store: every caller gets the one row.
    for (let round = 0; round < 20; round++) {
      const id = uniqueId('race');
      const rows = await Promise.all(
        Array.from({ length: 5 }, () => ensureUser(t.db, { id, name: 'Race', email: null, role: 'PATIENT' })),
      );
      expect(rows.map((r) => r?.id)).toEqual(Array(5).fill(id));
    }
  });

  it('never take over another account by its email: the user is created without it', async () => {
    const owner = await createWithPassword(t);
    const c = claims({ role: 'PATIENT', email: owner.email.toUpperCase() });
    const me = await new HttpClient(t.url, signJwt(c)).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: c.sub, email: null, role: 'PATIENT' });
    // The password account still owns its email and signs in as itself.
    const signIn = await login(t, owner.email, owner.password);
    expect(signIn.body.user.id).toBe(owner.id);
  });

  it('do not change who an existing user is: the stored role wins over the claims', async () => {
    const patient = await createPatient(t);
    const asAdmin = new HttpClient(
      t.url,
      signJwt({ sub: patient.id, role: 'ADMIN', name: 'Mallory', exp: inTenMinutes() }),
    );
    const me = await asAdmin.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ id: patient.id, role: 'PATIENT', name: patient.name });
    const admin = await asAdmin.get('/api/admin/audit');
    expect(admin.status).toBe(403);
    expect(admin.body.error.code).toBe('FORBIDDEN');
  });

  it('refuse expired, unsigned and wrongly signed tokens on HTTP and sockets, creating no one', async () => {
    const cases = [
      claims({ exp: Math.floor(Date.now() / 1000) - 10 }),
      claims(),
      claims(),
      claims(),
      claims({ exp: undefined }),
    ];
    const bad = [
      signJwt(cases[0]!),
      signJwt(cases[1]!, 'another-secret'),
      // alg none, with and without a signature part
      signJwt(cases[2]!, 'ignored', { alg: 'none', typ: 'JWT' }).split('.').slice(0, 2).join('.') + '.',
      signJwt(cases[3]!, 'ignored', { alg: 'HS512', typ: 'JWT' }),
      signJwt(cases[4]!),
      'not-a-token',
    ];
    for (const token of bad) {
      const res = await new HttpClient(t.url, token).get('/api/auth/me');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect((await new HttpClient(t.url, token).get('/api/chat/conversations')).status).toBe(401);
      await expect(connectClient(t.url, { token })).rejects.toThrow('UNAUTHENTICATED');
    }
    const unsignedNone = signJwt(claims(), 'ignored', { alg: 'none', typ: 'JWT' });
    expect((await new HttpClient(t.url, unsignedNone).get('/api/auth/me')).status).toBe(401);
    for (const c of cases) expect(await findUserById(t.db, c.sub as string)).toBeNull();
  });
});

describe('socket handshakes', () => {
  it('need credentials and refuse a foreign browser Origin; the server’s own origin is accepted', async () => {
    await expect(connectClient(t.url, {})).rejects.toThrow('UNAUTHENTICATED');
    await expect(connectClient(t.url, { token: 'no-such-session' })).rejects.toThrow('UNAUTHENTICATED');
    const token = signJwt({ sub: uniqueId('o'), role: 'PATIENT', name: 'Origin Test', exp: inTenMinutes() });
    await expect(connectClient(t.url, { token, headers: { origin: 'http://evil.example' } })).rejects.toThrow(
      'FORBIDDEN',
    );
    // Refused over long-polling too, the transport browsers fall back to.
    await expect(
      connectClient(t.url, { token, headers: { origin: 'http://evil.example' }, transports: ['polling'] }),
    ).rejects.toThrow();
    const same = await connect(t.url, { token, headers: { origin: t.url } });
    expect(same.socket.connected).toBe(true);
  });

  it('accept the extra origins listed in ALLOWED_ORIGINS', async () => {
    const portal = await startTestApp({ ALLOWED_ORIGINS: 'https://portal.clinic.example, https://app.clinic.example' });
    try {
      const token = signJwt({ sub: uniqueId('o'), role: 'PATIENT', name: 'Portal User', exp: inTenMinutes() });
      const listed = await connectClient(portal.url, { token, headers: { origin: 'https://app.clinic.example' } });
      expect(listed.socket.connected).toBe(true);
      listed.close();
      await expect(connectClient(portal.url, { token, headers: { origin: 'https://other.example' } })).rejects.toThrow(
        'FORBIDDEN',
      );
    } finally {
      await portal.close();
    }
  });
});

describe('host-platform JWTs with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE', () => {
  const strict = useTestApp({ AUTH_JWT_ISSUER: 'https://host.test', AUTH_JWT_AUDIENCE: 'carechat' });

  it('take only tokens issued by the host for CareChat, on HTTP and sockets', async () => {
    const base = { role: 'PATIENT', name: 'Aud Ience', exp: inTenMinutes() };
    const status = async (extra: Record<string, unknown>) =>
      (await new HttpClient(strict.url, signJwt({ sub: uniqueId('aud'), ...base, ...extra })).get('/api/auth/me'))
        .status;
    expect(await status({ iss: 'https://host.test', aud: 'carechat' })).toBe(200);
    expect(await status({ iss: 'https://host.test', aud: ['billing', 'carechat'] })).toBe(200);
    // A token the same secret signs for another of the host's services, or with no claims at all.
    expect(await status({ iss: 'https://host.test', aud: 'billing' })).toBe(401);
    expect(await status({ iss: 'https://elsewhere.test', aud: 'carechat' })).toBe(401);
    expect(await status({})).toBe(401);
    await expect(
      connectClient(strict.url, {
        token: signJwt({ sub: uniqueId('aud'), ...base, iss: 'https://host.test', aud: 'billing' }),
      }),
    ).rejects.toThrow(/UNAUTHENTICATED/);
    const ok = await strict.connect(
      signJwt({ sub: uniqueId('aud'), ...base, iss: 'https://host.test', aud: 'carechat' }),
    );
    expect(ok.socket.connected).toBe(true);
  });
});
