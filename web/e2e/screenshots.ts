/**
 * `npm run screenshots`: the README's pictures, taken from the running app so they stay true. Starts the product
 * the way the README does (`npm start`, demo data, its own DATA_DIR and embedded PostgreSQL), writes a short
 * exchange between Alice and Dr. Grey through the API, and photographs the patient's phone, the doctor's desktop
 * and the admin console into docs/screenshots/.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'docs/screenshots');
const PASSWORD = 'carechat-demo';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

async function startApp() {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'carechat-screens-'));
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('screenshots: the app did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  };
  return { url, stop };
}

async function api<T>(url: string, token: string | null, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`screenshots: ${method} ${route} answered ${res.status}`);
  return (await res.json()) as T;
}

const login = async (url: string, email: string) =>
  (await api<{ accessToken: string }>(url, null, 'POST', '/api/auth/login', { email, password: PASSWORD })).accessToken;

/** A few messages each way, so the pictures show a conversation rather than an empty screen. */
async function writeExchange(url: string) {
  const alice = await login(url, 'alice@carechat.test');
  const grey = await login(url, 'dr.grey@carechat.test');
  const contacts = await api<{ data: { id: string; name: string }[] }>(url, alice, 'GET', '/api/chat/contacts');
  const doctor = contacts.data.find((c) => c.name.includes('Grey'));
  if (!doctor) throw new Error('screenshots: Dr. Grey is not among Alice’s contacts');
  const { id } = await api<{ id: string }>(url, alice, 'POST', '/api/chat/conversations', { participantId: doctor.id });
  const say = (token: string, content: string) =>
    api(url, token, 'POST', `/api/chat/conversations/${id}/messages`, {
      clientMessageId: crypto.randomUUID(),
      content,
    });
  await say(alice, 'Hi Dr. Grey, the rash on my arm is a little better since Monday.');
  await say(grey, 'Good to hear, Alice. Keep using the cream twice a day for another week.');
  await say(grey, 'If it spreads or you get a fever, book a visit: https://clinic.example/book');
  await say(alice, 'Will do, thank you!');
}

type Viewport = { width: number; height: number };

async function shoot(browser: Browser, url: string, email: string, file: string, viewport: Viewport) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').first().waitFor();
  const row = page.locator('.conversation-list li').first();
  if (await row.isVisible()) {
    await row.click();
    await page.locator('.message').last().waitFor();
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, file) });
  await context.close();
  console.log(`screenshots: ${path.relative(ROOT, path.join(OUT, file))}`);
}

const app = await startApp();
try {
  await mkdir(OUT, { recursive: true });
  await writeExchange(app.url);
  const browser = await launchChromium();
  await shoot(browser, app.url, 'alice@carechat.test', 'patient-phone.png', { width: 390, height: 844 });
  await shoot(browser, app.url, 'dr.grey@carechat.test', 'doctor-desktop.png', { width: 1280, height: 800 });
  await shoot(browser, app.url, 'admin@carechat.test', 'admin-console.png', { width: 1280, height: 800 });
  await browser.close();
} finally {
  await app.stop();
}
