import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApp, uniqueId } from '../test/app.js';
import { hashPassword } from '../auth/password.js';
import { upsertUsers } from '../users/users.store.js';

/** A self-signed certificate for 127.0.0.1, made with the machine's openssl. */
function selfSigned(): { cert: string; key: string } {
  const dir = path.resolve('.test-data', `tls-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('served over TLS', () => {
  it('answers HTTPS with HSTS and Secure session cookies', async () => {
    const { cert, key } = selfSigned();
    const app = await startTestApp({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
    try {
      const email = `${uniqueId('tls')}@clinic.test`;
      await upsertUsers(app.db, [
        {
          id: uniqueId('tls'),
          name: 'Tess Tls',
          email,
          role: 'PATIENT',
          status: 'active',
          passwordHash: await hashPassword('pw-tls-123'),
        },
      ]);
      const res = await post(`${app.url.replace('http:', 'https:')}/api/auth/login`, { email, password: 'pw-tls-123' });
      expect(res.status).toBe(200);
      expect(String(res.headers['strict-transport-security'])).toContain('max-age=');
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/i);
    } finally {
      await app.close();
    }
  });
});
