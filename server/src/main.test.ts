import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from './test/http-client.js';
import { spawnServer, type ServerProcess } from './test/server-process.js';

// `npm start` as a newcomer runs it: no DATABASE_URL, no MASTER_KEY, a fresh DATA_DIR.
const dataDir = path.resolve('.test-data', `npm-start-${process.pid}-${Date.now()}`);
const bare = { DATA_DIR: dataDir, DATABASE_URL: '', MASTER_KEY: '', DEMO_SEED: '', AUTH_JWT_SECRET: '', SERVICE_API_KEY: '' };
const running: ServerProcess[] = [];

afterAll(async () => {
  running.forEach((s) => s.child.kill('SIGKILL'));
  await rm(dataDir, { recursive: true, force: true });
});

const login = (url: string, email: string) =>
  new HttpClient(url).post('/api/auth/login', { email, password: 'carechat-demo' });

describe('npm start on a bare machine', () => {
  it('starts an embedded PostgreSQL with demo data and a generated master key, and a second start reuses them', async () => {
    const first = await spawnServer(bare, { viaNpm: true });
    running.push(first);
    const alice = await login(first.url, 'alice@carechat.test');
    expect(alice.status).toBe(200);
    expect(alice.body.user).toMatchObject({ name: 'Alice Patel', role: 'PATIENT' });
    const aliceApi = new HttpClient(first.url, alice.body.accessToken);
    const contacts = await aliceApi.get('/api/chat/contacts');
    expect(contacts.body.data.map((c: any) => c.name).sort()).toEqual(['Dr. Gregory House', 'Dr. Meredith Grey']);
    const carol = await login(first.url, 'carol@carechat.test');
    expect((await new HttpClient(first.url, carol.body.accessToken).get('/api/chat/contacts')).body.data).toEqual([]);
    for (const email of ['admin@carechat.test', 'dr.grey@carechat.test', 'dr.house@carechat.test', 'bob@carechat.test'])
      expect((await login(first.url, email)).status).toBe(200);

    const grey = contacts.body.data.find((c: any) => c.name === 'Dr. Meredith Grey');
    const conv = await aliceApi.post('/api/chat/conversations', { participantId: grey.id });
    const sent = await aliceApi.post(`/api/chat/conversations/${conv.body.id}/messages`, { clientMessageId: 'first-start', content: 'kept across restarts' });
    expect(sent.status).toBe(201);

    const key = await stat(path.join(dataDir, 'master.key'));
    expect(key.mode & 0o777).toBe(0o600);

    // npm passes SIGTERM on to the server and exits by the same signal; the server's own
    // shutdown then stops the embedded database, which removes its pid file.
    first.child.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await first.exited);
    await expect.poll(() => existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), { timeout: 20_000, interval: 200 }).toBe(false);

    const second = await spawnServer(bare, { viaNpm: true });
    running.push(second);
    const again = await login(second.url, 'alice@carechat.test');
    const page = await new HttpClient(second.url, again.body.accessToken).get(`/api/chat/conversations/${conv.body.id}/messages`);
    expect(page.body.data.map((m: any) => m.content)).toEqual(['kept across restarts']);
    second.child.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await second.exited);
    await expect.poll(() => existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), { timeout: 20_000, interval: 200 }).toBe(false);
  }, 120_000);
});
