import { describe, expect, it } from 'vitest';
import { signJwt, startTestApp, uniqueId } from '../test/app.js';
import { createAdmin } from '../test/factories.js';
import { elapseForSessions, FakeClock } from '../test/fake-clock.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';
import { connectClient, type TestSocket } from '../test/socket-client.js';
import { findUserById } from '../users/users.store.js';

const t = useTestApp();

const nowS = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  sub: uniqueId('host'),
  role: 'DOCTOR',
  name: 'Dr. Host',
  exp: nowS() + 600,
  ...over,
});
const me = (url: string, token: string) => new HttpClient(url, token).get('/api/auth/me');
const disconnection = (s: TestSocket) =>
  new Promise<string>((resolve) => s.socket.once('disconnect', (reason) => resolve(reason)));

describe('a host-platform token is a session like a password sign-in', () => {
  it('sign-out ends it at once on HTTP and sockets, for good; the person’s other token is untouched', async () => {
    const c = claims();
    const token = signJwt(c);
    const other = signJwt({ ...c, exp: nowS() + 900 });
    expect((await me(t.url, token)).status).toBe(200);
    const socket = await t.connect(token);
    const otherSocket = await t.connect(other);
    const gone = disconnection(socket);

    expect((await new HttpClient(t.url, token).post('/api/auth/logout')).status).toBe(204);
    expect(await socket.waitFor('session:ended')).toEqual({ reason: 'logout', code: 'UNAUTHENTICATED' });
    expect(await gone).toBe('io server disconnect');
    const after = await me(t.url, token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await new HttpClient(t.url, token).get('/api/chat/conversations')).status).toBe(401);
    await expect(connectClient(t.url, { token })).rejects.toThrow('UNAUTHENTICATED');

    expect((await me(t.url, other)).status).toBe(200);
    expect(otherSocket.socket.connected).toBe(true);
    expect(otherSocket.all('session:ended')).toEqual([]);
    // Only a hash of the token is kept.
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND host_token_expires_at IS NOT NULL`,
      [c.sub],
    );
    expect(rows[0].n).toBe(2);
    const stored = await t.db.query(`SELECT token_hash FROM sessions WHERE user_id = $1`, [c.sub]);
    for (const r of stored.rows)
      expect((r.token_hash as Buffer).includes(Buffer.from(token.split('.')[2]!))).toBe(false);
  });

  it('blocking ends it, and unblocking does not bring that token back', async () => {
    const admin = await createAdmin(t);
    const c = claims({ role: 'PATIENT' });
    const token = signJwt(c);
    const socket = await t.connect(token);
    expect((await admin.api.post(`/api/admin/users/${c.sub}/block`, {})).status).toBe(200);
    expect(await socket.waitFor('session:ended')).toMatchObject({ reason: 'blocked' });
    expect((await me(t.url, token)).status).toBe(401);
    expect((await admin.api.post(`/api/admin/users/${c.sub}/unblock`, {})).status).toBe(200);
    expect((await me(t.url, token)).status).toBe(401);
    expect((await me(t.url, signJwt({ ...c, exp: nowS() + 700 }))).status).toBe(200);
  });

  it('ends after the idle time like a password session (sockets disconnected); activity keeps it alive', async () => {
    // Time moves on the services' clock and in the sessions' rows, not by waiting.
    const clock = new FakeClock();
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(2 / 60), SESSION_SWEEP_SECONDS: '0.5' }, { clock });
    const sockets: TestSocket[] = [];
    try {
      const c = claims({ role: 'PATIENT' });
      const dormant = signJwt(c);
      const active = signJwt({ ...c, exp: nowS() + 601 });
      expect((await me(idle.url, dormant)).status).toBe(200);
      const socket = await connectClient(idle.url, { token: dormant });
      sockets.push(socket);
      const gone = disconnection(socket);
      const ended = socket.waitFor('session:ended', () => true, 6000);
      // The other token is used every half second, longer than the idle time: never idle.
      for (let i = 0; i < 6; i++) {
        await elapseForSessions(idle.db, clock, c.sub, 500);
        expect((await me(idle.url, active)).status).toBe(200);
      }
      expect(await ended).toEqual({ reason: 'expired', code: 'UNAUTHENTICATED' });
      expect(await gone).toBe('io server disconnect');
      expect((await me(idle.url, dormant)).status).toBe(401);
      await expect(connectClient(idle.url, { token: dormant })).rejects.toThrow('UNAUTHENTICATED');
    } finally {
      sockets.forEach((s) => s.close());
      await idle.close();
    }
  }, 20_000);

  it('made at once by several first requests is one session, and /me says when it ends', async () => {
    const c = claims({ role: 'PATIENT', exp: nowS() + 120 });
    const token = signJwt(c);
    const replies = await Promise.all(Array.from({ length: 8 }, () => me(t.url, token)));
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [c.sub]);
    expect(rows[0].n).toBe(1);
    // The token's exp comes before the idle time: that is when it ends.
    expect(Date.parse(replies[0]!.body.expiresAt)).toBe(c.exp * 1000);
  });
});

describe('host-platform token claims', () => {
  const statusOf = async (body: Record<string, unknown>) => {
    const res = await me(t.url, signJwt(body));
    return [res.status, res.body?.error?.code];
  };
  const REFUSED = [401, 'UNAUTHENTICATED'];

  it('refuse a lifetime past AUTH_JWT_MAX_LIFETIME_MINUTES (24 h), by exp - now and by exp - iat', async () => {
    expect(await statusOf(claims({ exp: Date.UTC(3000, 0, 1) / 1000 }))).toEqual(REFUSED);
    expect(await statusOf(claims({ exp: nowS() + 24 * 3600 + 120 }))).toEqual(REFUSED);
    // Issued 25 hours ago for 25 hours and 10 minutes: only ten minutes left, but too long-lived.
    expect(await statusOf(claims({ iat: nowS() - 25 * 3600, exp: nowS() + 600 }))).toEqual(REFUSED);
    expect(await statusOf(claims({ iat: nowS() - 60, exp: nowS() + 24 * 3600 - 120 }))).toEqual([200, undefined]);
    expect(await statusOf(claims({ exp: nowS() + 23 * 3600 }))).toEqual([200, undefined]);
  });

  it('honour nbf (and iat) with 30 seconds of leeway for the host’s clock', async () => {
    expect(await statusOf(claims({ nbf: nowS() + 120 }))).toEqual(REFUSED);
    expect(await statusOf(claims({ nbf: nowS() + 10 }))).toEqual([200, undefined]);
    expect(await statusOf(claims({ nbf: nowS() - 60 }))).toEqual([200, undefined]);
    expect(await statusOf(claims({ iat: nowS() + 120 }))).toEqual(REFUSED);
  });

  it('refuse every malformed claim with 401 on HTTP and sockets, never a 500, creating no one', async () => {
    const bad: Record<string, unknown>[] = [
      claims({ exp: 1e300 }),
      claims({ exp: String(nowS() + 600) }),
      claims({ exp: -1 }),
      claims({ exp: null }),
      claims({ exp: [nowS() + 600] }),
      claims({ sub: undefined }),
      claims({ sub: '' }),
      claims({ sub: 42 }),
      claims({ sub: 'x'.repeat(500) }),
      claims({ role: 'ROOT' }),
      claims({ role: undefined }),
      claims({ name: 'x'.repeat(201) }),
      claims({ name: '   ' }),
      claims({ name: { first: 'Dr' } }),
      claims({ email: 12 }),
      claims({ email: 'x'.repeat(400) }),
      claims({ iat: 'yesterday' }),
      claims({ nbf: 'now' }),
      claims({ nbf: 1e300 }),
      claims({ iat: -1e300 }),
    ];
    for (const body of bad) {
      const res = await me(t.url, signJwt(body));
      expect([body, res.status, res.body?.error?.code]).toEqual([body, ...REFUSED]);
      await expect(connectClient(t.url, { token: signJwt(body) })).rejects.toThrow('UNAUTHENTICATED');
      if (typeof body.sub === 'string' && body.sub) expect(await findUserById(t.db, body.sub)).toBeNull();
    }
    // Not JSON, or not an object, where the claims go.
    const enc = (s: string) => Buffer.from(s).toString('base64url');
    const [header, , sig] = signJwt(claims()).split('.');
    for (const payload of ['not json', '[1,2]', '"text"', 'null'])
      expect((await me(t.url, `${header}.${enc(payload)}.${sig}`)).status).toBe(401);
  });
});

describe('sessions of host tokens', () => {
  it('are removed once well past their exp, as new tokens come in, and not before', async () => {
    const c = claims({ role: 'PATIENT' });
    const token = signJwt(c);
    expect((await me(t.url, token)).status).toBe(200);
    expect((await new HttpClient(t.url, token).post('/api/auth/logout')).status).toBe(204);
    // Another of this person's tokens, long expired (its exp set back in the database).
    const old = signJwt({ ...c, exp: nowS() + 300 });
    expect((await me(t.url, old)).status).toBe(200);
    await t.db.query(
      `UPDATE sessions SET host_token_expires_at = now() - interval '1 hour' WHERE user_id = $1 AND revoked_at IS NULL`,
      [c.sub],
    );

    expect((await me(t.url, signJwt({ ...c, exp: nowS() + 400 }))).status).toBe(200);
    const { rows } = await t.db.query(
      `SELECT revoked_at IS NOT NULL AS signed_out FROM sessions WHERE user_id = $1 ORDER BY created_at`,
      [c.sub],
    );
    // The signed-out token's row stays (it must stay refused until its exp); the expired one went.
    expect(rows.map((r) => r.signed_out)).toEqual([true, false]);
    expect((await me(t.url, token)).status).toBe(401);
  });
});
