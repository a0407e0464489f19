import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';
import { useTestApp } from '../test/harness.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from './password.js';

// Behind a trusted proxy, so a test can send from several addresses (X-Forwarded-For).
const t = useTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000', TRUST_PROXY: 'true' });

async function doctorWithPassword() {
  const id = uniqueId('dr');
  const email = `${id}@clinic.test`;
  await upsertUsers(t.db, [
    {
      id,
      name: `Dr. ${id}`,
      email,
      role: 'DOCTOR',
      status: 'active',
      passwordHash: await hashPassword('doctor-pass-1'),
    },
  ]);
  const login = await t.anon.post('/api/auth/login', { email, password: 'doctor-pass-1' });
  return { id, email, api: new HttpClient(t.url, login.body.accessToken) };
}

/** Codes from an independent TOTP implementation (the `otpauth` package), as an app would make them. */
const authenticator = (base32: string) =>
  new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 });

describe('two-factor sign-in (TOTP)', () => {
  it('enrols with a real authenticator, then asks a code, refuses replays, takes a recovery code once', async () => {
    const doctor = await doctorWithPassword();
    const enrol = await doctor.api.post('/api/auth/mfa/enroll');
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/CareChat:/);
    expect(enrol.body.recoveryCodes).toHaveLength(10);
    const app = authenticator(enrol.body.secret);
    // Not enabled until confirmed: password alone still works.
    expect((await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1' })).status).toBe(200);
    expect((await doctor.api.post('/api/auth/mfa/confirm', { code: '000000' })).status).toBe(401);
    expect((await doctor.api.post('/api/auth/mfa/confirm', { code: app.generate() })).body).toEqual({ enabled: true });
    const confirmStep = Number(
      (await t.db.query('SELECT totp_last_step FROM users WHERE id = $1', [doctor.id])).rows[0].totp_last_step,
    );

    const noCode = await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1' });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('MFA_REQUIRED');
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1', totp: '123456' })).body
        .error.code,
    ).toBe('UNAUTHENTICATED');
    // The next time step's code (an app a few seconds ahead) is accepted once, then refused as a replay.
    const next = app.generate({ timestamp: (confirmStep + 1) * 30_000 });
    const ok = await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1', totp: next });
    expect(ok.status).toBe(200);
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1', totp: next })).status,
    ).toBe(401);

    const recovery = enrol.body.recoveryCodes[3];
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1', recoveryCode: recovery }))
        .status,
    ).toBe(200);
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1', recoveryCode: recovery }))
        .status,
    ).toBe(401);
    // A wrong password never reaches the second factor.
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'nope', totp: next })).body.error.code,
    ).toBe('UNAUTHENTICATED');

    const { rows } = await t.db.query('SELECT totp_secret FROM users WHERE id = $1', [doctor.id]);
    expect(rows[0].totp_secret.includes(Buffer.from(enrol.body.secret))).toBe(false); // sealed, not stored in clear
  });

  it('limits the codes a signed-in session may try to turn two-factor off', async () => {
    const doctor = await doctorWithPassword();
    const enrol = await doctor.api.post('/api/auth/mfa/enroll');
    const app = authenticator(enrol.body.secret);
    expect((await doctor.api.post('/api/auth/mfa/confirm', { code: app.generate() })).body).toEqual({ enabled: true });
    // As many wrong codes as sign-in allows wrong passwords from one address
    // (LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP, 5), each from another address: codes are counted per session,
    // which a thief cannot change...
    const from = (i: number) => ({ 'x-forwarded-for': `203.0.113.${10 + i}` });
    for (let i = 0; i < 5; i++)
      expect(
        (await doctor.api.request('POST', '/api/auth/mfa/disable', { code: String(100000 + i) }, from(i))).status,
      ).toBe(401);
    // ...then even the right code waits.
    const right = app.generate({ timestamp: Date.now() + 30_000 });
    const limited = await doctor.api.request('POST', '/api/auth/mfa/disable', { code: right }, from(9));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(
      (await t.anon.post('/api/auth/login', { email: doctor.email, password: 'doctor-pass-1' })).body.error.code,
    ).toBe('MFA_REQUIRED');
  });
});
