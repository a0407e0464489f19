import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueId, type TestApp } from '../test/app.js';
import { REDIS_BINARY, startRedis, type TestRedis } from '../test/redis.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from './password.js';

/**
 * The three sign-in limits (LoginLimiter), each client at an address of its own: the server
 * trusts one proxy, which appends the address it saw to X-Forwarded-For. Run in one process,
 * and through Redis with every other attempt sent to a second process.
 */
/** A client address of its own (IPv6 documentation range), so tests never share a counter by chance. */
const addr = () => `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

const variants = [
  { name: 'in one process', redis: false },
  { name: 'shared by two processes through Redis', redis: true },
];

describe.each(variants)('sign-in limits, $name', ({ redis: withRedis }) => {
  let redis: TestRedis | undefined;
  let apps: TestApp[] = [];
  let turn = 0;

  beforeAll(async () => {
    if (withRedis && !REDIS_BINARY) throw new Error('redis-server is not installed (CI installs it)');
    const env: Record<string, string> = {
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '6',
      LOGIN_MAX_FAILURES_PER_IP: '5',
    };
    if (withRedis) {
      redis = await startRedis();
      Object.assign(env, { REDIS_URL: redis.url, REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}:` });
      apps = await Promise.all([startTestApp(env), startTestApp(env)]);
    } else {
      apps = [await startTestApp(env)];
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await redis?.stop();
  });

  async function person() {
    const id = uniqueId('lim');
    const email = `${id}@clinic.test`;
    await upsertUsers(apps[0]!.db, [
      {
        id,
        name: `Lim ${id}`,
        email,
        role: 'PATIENT',
        status: 'active',
        passwordHash: await hashPassword('right password'),
      },
    ]);
    return { id, email };
  }

  /** A sign-in from `address`, taking turns between the processes; `device` is a known-device cookie. */
  async function signIn(address: string, email: string, password: string, device?: string) {
    const app = apps[turn++ % apps.length]!;
    const headers: Record<string, string> = { 'x-forwarded-for': address };
    if (device) headers.cookie = device;
    const res = await app.anon.request('POST', '/api/auth/login', { email, password }, headers);
    const deviceCookie = res.headers.getSetCookie().find((c) => c.startsWith('carechat_device='));
    return {
      status: res.status,
      code: res.body?.error?.code as string | undefined,
      device: deviceCookie?.split(';')[0],
    };
  }

  it('stop guesses from one address at the hard limit without locking the owner out from another', async () => {
    const owner = await person();
    const attacker = addr();
    for (let i = 0; i < 3; i++) expect((await signIn(attacker, owner.email, `guess-${i}`)).status).toBe(401);
    // Even the right password waits at that address...
    expect(await signIn(attacker, owner.email, 'right password')).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // ...while the owner, elsewhere, signs in.
    expect((await signIn(addr(), owner.email, 'right password')).status).toBe(200);
    expect((await signIn(attacker, owner.email, 'right password')).status).toBe(429);
  });

  it('hold guessing spread over many addresses at the account ceiling, except on a device it used before', async () => {
    const owner = await person();
    const { device, status } = await signIn(addr(), owner.email, 'right password');
    expect(status).toBe(200);
    expect(device).toMatch(/^carechat_device=.+/);
    // Two guesses each from three addresses: under the per-address limit, at the account ceiling (6).
    for (let a = 0; a < 3; a++) {
      const botnet = addr();
      for (let i = 0; i < 2; i++) expect((await signIn(botnet, owner.email, `guess-${a}-${i}`)).status).toBe(401);
    }
    expect(await signIn(addr(), owner.email, 'right password')).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // The owner's own device gets in, from wherever it is now.
    expect((await signIn(addr(), owner.email, 'right password', device)).status).toBe(200);
    // The cookie is for that account only, and cannot be made up.
    const other = await person();
    for (let a = 0; a < 3; a++) {
      const botnet = addr();
      for (let i = 0; i < 2; i++) await signIn(botnet, other.email, `guess-${a}-${i}`);
    }
    expect((await signIn(addr(), other.email, 'right password', device)).status).toBe(429);
    const forged = device!.replace(/=([0-9a-z]+)\./, (_, t: string) => `=${(parseInt(t, 36) + 1).toString(36)}.`);
    expect((await signIn(addr(), owner.email, 'right password', forged)).status).toBe(429);
  });

  it('let a busy address (NAT) sign in: successes never count; failures across accounts stop new devices', async () => {
    const nat = addr();
    const staff = await Promise.all(Array.from({ length: 8 }, () => person()));
    // Many people signing in from one address: more than the per-address limit (5), all fine.
    const devices = [];
    for (const p of staff) {
      const res = await signIn(nat, p.email, 'right password');
      expect(res.status).toBe(200);
      devices.push(res.device);
    }
    // Five people mistype once each: the address is now at its limit.
    for (const p of staff.slice(0, 5)) expect((await signIn(nat, p.email, 'typo')).status).toBe(401);
    const newcomer = await person();
    expect(await signIn(nat, newcomer.email, 'right password')).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Everyone whose device signed in before still gets in there, and the newcomer elsewhere.
    for (const [i, p] of staff.entries())
      expect((await signIn(nat, p.email, 'right password', devices[i])).status).toBe(200);
    expect((await signIn(addr(), newcomer.email, 'right password')).status).toBe(200);
  });

  it('count guesses sent in parallel like guesses sent one after another', async () => {
    const owner = await person();
    const attacker = addr();
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(attacker, owner.email, `guess-${i}`)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect((await signIn(attacker, owner.email, 'right password')).status).toBe(429);
  });
});

describe('sign-in limits with the defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('five wrong passwords from one address do not make the right one fail from another', async () => {
    const id = uniqueId('own');
    const email = `${id}@clinic.test`;
    await upsertUsers(t.db, [
      {
        id,
        name: 'Owner',
        email,
        role: 'PATIENT',
        status: 'active',
        passwordHash: await hashPassword('right password'),
      },
    ]);
    const from = (address: string, password: string) =>
      t.anon.request('POST', '/api/auth/login', { email, password }, { 'x-forwarded-for': address });
    const attacker = addr();
    for (let i = 0; i < 5; i++) expect((await from(attacker, `guess-${i}`)).status).toBe(401);
    expect((await from(attacker, 'right password')).status).toBe(429);
    expect((await from(addr(), 'right password')).status).toBe(200);
  });
});
