// @ts-check
/**
 * `npm run example`: CareChat (the built server, as `npm start` runs it) with the settings a
 * host platform needs, the portal's people and appointments put through CareChat's
 * integration API, and the portal beside it on its own origin. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHostPortal } from './portal.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CARECHAT_PORT = Number(process.env.CARECHAT_PORT ?? 3000);
const PORTAL_PORT = Number(process.env.PORTAL_PORT ?? 4000);
// Two sites, as in production: the portal on localhost, CareChat on 127.0.0.1.
const carechatUrl = `http://127.0.0.1:${CARECHAT_PORT}`;
const portalOrigin = `http://localhost:${PORTAL_PORT}`;
const jwtSecret = process.env.AUTH_JWT_SECRET ?? randomBytes(32).toString('hex');
const serviceKey = process.env.SERVICE_API_KEY ?? randomBytes(32).toString('hex');

/** @type {import('./portal.js').Person[]} */
const people = [
  { id: 'portal-pat', name: 'Pat Morgan', role: 'PATIENT' },
  { id: 'portal-sam', name: 'Sam Okafor', role: 'PATIENT' },
  { id: 'portal-dana', name: 'Dr. Dana Ruiz', role: 'DOCTOR' },
];
const appointments = [
  { id: 'portal-appt-1', patientId: 'portal-pat', doctorId: 'portal-dana' },
  { id: 'portal-appt-2', patientId: 'portal-sam', doctorId: 'portal-dana' },
];

for (const built of ['server/dist/main.js', 'web/dist/embed.html', 'examples/host-portal/dist/kit-page.js'])
  if (!existsSync(ROOT + built)) {
    console.error(`${built} is missing: run npm run build first`);
    process.exit(1);
  }

const carechat = spawn(process.execPath, ['--max-semi-space-size=32', 'server/dist/main.js'], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PORT: String(CARECHAT_PORT),
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: jwtSecret,
    SERVICE_API_KEY: serviceKey,
    EMBED_ORIGINS: portalOrigin,
    ALLOWED_ORIGINS: portalOrigin,
  },
});
carechat.on('exit', (code) => {
  console.error(`CareChat stopped (exit code ${code})`);
  process.exit(code ?? 1);
});
const stop = () => carechat.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await ready(`${carechatUrl}/readyz`);
/** @param {string} path @param {unknown} body */
const integration = async (path, body) => {
  const res = await fetch(`${carechatUrl}/api/integration/${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`PUT /api/integration/${path}: ${res.status} ${await res.text()}`);
};
for (const p of people) await integration(`users/${p.id}`, { name: p.name, role: p.role, status: 'active' });
for (const { id, ...pair } of appointments)
  await integration(`appointments/${id}`, { ...pair, startsAt: new Date().toISOString(), status: 'scheduled' });

const portal = await startHostPortal({ carechatUrl, jwtSecret, people, port: PORTAL_PORT, host: 'localhost' });
console.log(`\nCareChat:    ${carechatUrl}\nHost portal: ${portal.url}`);
console.log('Sign in to the portal as a patient in one browser and as the doctor in another.\n');

/** Waits for CareChat to answer ready (the first start sets up its embedded PostgreSQL). @param {string} url */
async function ready(url) {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`CareChat did not become ready at ${url}`);
}
