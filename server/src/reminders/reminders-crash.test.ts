import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabase } from '../test/app.js';
import { createPair, sendText } from '../test/factories.js';
import { startSmtpSink } from '../test/reminder-providers.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { until } from '../test/socket-client.js';

// A database of its own: a spawned server sweeps every conversation in its database.
let own: { url: string; drop(): Promise<void> };
let db: pg.Pool;
let dataDir: string;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const running: ServerProcess[] = [];

const start = async () => {
  const s = await spawnServer({
    DATABASE_URL: own.url,
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    PUBLIC_URL: 'https://chat.clinic.example/',
    // Under a second unread, looked for twice a second: the real clock, in a spawned process.
    REMINDER_AFTER_MINUTES: '0.01',
    REMINDER_SWEEP_SECONDS: '0.5',
    LOG_LEVEL: 'trace',
  });
  running.push(s);
  return s;
};

beforeAll(async () => {
  own = await freshDatabase();
  db = new pg.Pool({ connectionString: own.url, max: 2 });
  dataDir = await mkdtemp(path.join(tmpdir(), 'carechat-reminders-'));
  smtp = await startSmtpSink();
});
afterAll(async () => {
  running.forEach((s) => s.child.kill('SIGKILL'));
  await Promise.all(running.map((s) => s.exited));
  smtp.release();
  await smtp.close();
  await db.end();
  await own.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const rowsOf = async (userId: string) =>
  (
    await db.query<{ id: number; attempts: number; outcome: string | null }>(
      'SELECT id, attempts, outcome FROM reminder_outbox WHERE user_id = $1',
      [userId],
    )
  ).rows;

it('keeps a reminder committed to the outbox through a SIGKILL mid-send, and sends it once after', async () => {
  const a = await start();
  const { patient, doctor, conversation } = await createPair(a);
  const email = `crash-${Date.now()}@mail.example`;
  const put = await a.service.put(`/api/integration/users/${patient.id}`, {
    name: patient.name,
    role: 'PATIENT',
    status: 'active',
    contact: { email },
  });
  expect(put.status).toBe(200);
  expect(
    (
      await patient.api.put('/api/me/reminders', {
        channels: ['email'],
        quietHours: { start: '00:00', end: '00:00', timeZone: 'UTC' },
      })
    ).status,
  ).toBe(200);

  // The SMTP server takes the connection and never answers: the reminder is committed and leased, not sent.
  smtp.hold();
  await sendText(doctor, conversation.id, 'Your biopsy results are in');
  await until(() => smtp.held > 0, 'the reminder to be on its way', 30_000);
  expect(await rowsOf(patient.id)).toMatchObject([{ attempts: 1, outcome: null }]);
  a.child.kill('SIGKILL');
  expect(await a.exited).toBe('SIGKILL');
  expect(smtp.mails).toHaveLength(0);

  // The lease of the process that died runs out (two minutes; here, at once), and a new process sends it.
  await db.query('UPDATE reminder_outbox SET due_at = now() WHERE user_id = $1', [patient.id]);
  smtp.release();
  const b = await start();
  await until(() => smtp.to(email).length === 1, 'the reminder after the restart', 30_000);
  // Three more passes (one more than two: the one running now may have begun before): none sends it again.
  const passes = () => b.output().split('"msg":"reminder pass done"').length - 1;
  const from = passes();
  await until(() => passes() >= from + 3, 'three more reminder passes', 30_000);
  expect(smtp.to(email)).toHaveLength(1);
  expect(await rowsOf(patient.id)).toMatchObject([{ attempts: 2, outcome: 'sent' }]);
  expect(smtp.to(email)[0]!.raw).not.toContain('biopsy');
  // Addresses never reach the log, at any level.
  for (const server of [a, b]) expect(server.output()).not.toContain(email);
  expect(b.output()).toContain('reminders queued and sent');
}, 150_000);
