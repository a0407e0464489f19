import type { Role } from '@carechat/protocol';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { uniqueId } from '../test/app.js';
import { createAppointment, createDoctor, createPatient, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';
import { connectClient } from '../test/socket-client.js';
import { upsertUsers } from '../users/users.store.js';
import { hashPassword } from './password.js';

const t = useTestApp({ MFA_REQUIRED_ROLES: 'DOCTOR,ADMIN', LOGIN_MAX_FAILURES_PER_IP: '1000' });

/** A person signed in with email and password, as the web app does. */
async function signedInWithPassword(role: Role) {
  const id = uniqueId(role.toLowerCase());
  const email = `${id}@clinic.test`;
  await upsertUsers(t.db, [
    { id, name: `${role} ${id}`, email, role, status: 'active', passwordHash: await hashPassword('pass-word-1') },
  ]);
  const login = await t.anon.post('/api/auth/login', { email, password: 'pass-word-1' });
  expect(login.status).toBe(200);
  const token: string = login.body.accessToken;
  return { id, name: `${role} ${id}`, role, email, token, api: new HttpClient(t.url, token) };
}

/** Codes from an independent TOTP implementation (the `otpauth` package), as an app would make them. */
const authenticator = (base32: string) =>
  new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 });

/** The code of the step after the last one used: each code is accepted once. */
async function nextCode(app: TOTP, userId: string): Promise<string> {
  const { rows } = await t.db.query('SELECT totp_last_step FROM users WHERE id = $1', [userId]);
  return app.generate({ timestamp: (Number(rows[0].totp_last_step) + 1) * 30_000 });
}

const refusal = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
const LIMITED = [403, 'MFA_ENROLLMENT_REQUIRED'];

describe('two-factor sign-in required for listed roles (MFA_REQUIRED_ROLES)', () => {
  it('limits a doctor without it to enrolment (HTTP and socket) until confirmed; then the session works', async () => {
    const patient = await createPatient(t);
    const doctor = await signedInWithPassword('DOCTOR');
    await createAppointment(t, patient, doctor);
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(patient, conversation.id, 'my results are in');

    const me = await doctor.api.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: doctor.id }, mfaEnabled: false, mfaEnrollmentRequired: true });
    expect((await doctor.api.get('/api/auth/options')).status).toBe(200);
    // Nothing else: not their own conversation's messages, not the list, not a send, not turning MFA "off".
    expect(refusal(await doctor.api.get('/api/chat/conversations'))).toEqual(LIMITED);
    expect(refusal(await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`))).toEqual(LIMITED);
    expect(
      refusal(
        await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
          clientMessageId: 'c-1',
          content: 'hi',
        }),
      ),
    ).toEqual(LIMITED);
    expect(refusal(await doctor.api.post('/api/auth/mfa/disable', { code: '123456' }))).toEqual(LIMITED);
    // The cookie the browser holds is held back the same way as the bearer token.
    const cookie = { cookie: `carechat_session=${doctor.token}` };
    expect(refusal(await t.anon.request('GET', '/api/chat/conversations', undefined, cookie))).toEqual(LIMITED);
    await expect(connectClient(t.url, { token: doctor.token })).rejects.toThrow('MFA_ENROLLMENT_REQUIRED');
    await expect(connectClient(t.url, { headers: cookie })).rejects.toThrow('MFA_ENROLLMENT_REQUIRED');

    const enrol = await doctor.api.post('/api/auth/mfa/enroll');
    expect(enrol.status).toBe(200);
    expect(enrol.body.recoveryCodes).toHaveLength(10);
    const app = authenticator(enrol.body.secret);
    // Enrolled but not confirmed is still limited; a wrong code changes nothing.
    expect((await doctor.api.post('/api/auth/mfa/confirm', { code: '000000' })).status).toBe(401);
    expect(refusal(await doctor.api.get('/api/chat/conversations'))).toEqual(LIMITED);
    expect((await doctor.api.post('/api/auth/mfa/confirm', { code: app.generate() })).body).toEqual({ enabled: true });

    // The same session, no second sign-in.
    expect((await doctor.api.get('/api/auth/me')).body).toMatchObject({
      mfaEnabled: true,
      mfaEnrollmentRequired: false,
    });
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.status).toBe(200);
    expect(page.body.data.map((m: { content: string }) => m.content)).toEqual(['my results are in']);
    const socket = await t.connect(doctor.token);
    expect(socket.socket.connected).toBe(true);

    // From now on a password alone is not enough; a recovery code is (the next TOTP step is kept for below).
    expect(refusal(await t.anon.post('/api/auth/login', { email: doctor.email, password: 'pass-word-1' }))).toEqual([
      401,
      'MFA_REQUIRED',
    ]);
    const again = await t.anon.post('/api/auth/login', {
      email: doctor.email,
      password: 'pass-word-1',
      recoveryCode: enrol.body.recoveryCodes[0],
    });
    expect(again.status).toBe(200);
    const second = new HttpClient(t.url, again.body.accessToken);
    expect((await second.get('/api/chat/conversations')).status).toBe(200);

    // Turning it off puts a listed role's sessions back to enrolment only.
    expect((await second.post('/api/auth/mfa/disable', { code: await nextCode(app, doctor.id) })).body).toEqual({
      enabled: false,
    });
    expect(refusal(await second.get('/api/chat/conversations'))).toEqual(LIMITED);
    expect(refusal(await doctor.api.get('/api/chat/conversations'))).toEqual(LIMITED);
    expect((await second.get('/api/auth/me')).body.mfaEnrollmentRequired).toBe(true);
  });

  it('holds back an admin alike (403 MFA_ENROLLMENT_REQUIRED, not FORBIDDEN); sign-out still works', async () => {
    const admin = await signedInWithPassword('ADMIN');
    expect(refusal(await admin.api.get('/api/admin/audit?limit=5'))).toEqual(LIMITED);
    expect(refusal(await admin.api.get('/api/admin/conversations'))).toEqual(LIMITED);
    expect((await admin.api.post('/api/auth/logout')).status).toBe(204);
    expect(refusal(await admin.api.get('/api/auth/me'))).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('leaves a patient who signs in with a password alone', async () => {
    const patient = await signedInWithPassword('PATIENT');
    expect((await patient.api.get('/api/auth/me')).body).toMatchObject({
      mfaEnabled: false,
      mfaEnrollmentRequired: false,
    });
    expect((await patient.api.get('/api/chat/conversations')).status).toBe(200);
    const socket = await t.connect(patient.token);
    expect(socket.socket.connected).toBe(true);
  });

  it('leaves doctors and admins signed in by the host (JWT) alone: the host owns their authentication', async () => {
    const doctor = await createDoctor(t);
    expect((await doctor.api.get('/api/auth/me')).body).toMatchObject({ mfaEnrollmentRequired: false });
    expect((await doctor.api.get('/api/chat/conversations')).status).toBe(200);
    const socket = await t.connect(doctor.token);
    expect(socket.socket.connected).toBe(true);
  });
});

describe('MFA_REQUIRED_ROLES', () => {
  const prod = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://x/y',
    MASTER_KEY: '3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1a3e5c7b9d2f4a6c8e0b1d3f',
    TRUST_PROXY: 'true',
  };

  it('defaults to all who read patients’ data (doctors, care teams, admins) in production, nobody elsewhere', () => {
    expect(loadConfig(prod).mfaRequiredRoles).toEqual(['DOCTOR', 'STAFF', 'ADMIN']);
    expect(loadConfig({}).mfaRequiredRoles).toEqual([]);
    // Set but empty is an explicit choice, honoured in production too.
    expect(loadConfig({ ...prod, MFA_REQUIRED_ROLES: '' }).mfaRequiredRoles).toEqual([]);
  });

  it('takes a comma-separated list of roles and names a wrong value', () => {
    expect(loadConfig({ MFA_REQUIRED_ROLES: ' DOCTOR , ADMIN,PATIENT ' }).mfaRequiredRoles).toEqual([
      'DOCTOR',
      'ADMIN',
      'PATIENT',
    ]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'ADMIN' }).mfaRequiredRoles).toEqual(['ADMIN']);
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'DOCTOR,NURSE' })).toThrow(ConfigError);
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'doctor' })).toThrow(/MFA_REQUIRED_ROLES.*PATIENT, DOCTOR or ADMIN/);
  });
});
