import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
// The same real SMTP server and HTTP SMS provider the server's reminder tests start.
import { startSmsProvider, startSmtpSink } from '../../server/src/test/reminder-providers.js';
import { openBenchDatabase } from './database.js';
import { readProcess } from './proc.js';
import { daytimeZone, MESSAGE_TEXT, seedClinic } from './reminders-seed.js';
import { newSecrets, startServer } from './server.js';

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/** The PostgreSQL postmaster's pid when it runs on this machine (its backends are its children), else null. */
async function postgresPid(pool: pg.Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ setting: string }>(
      "SELECT setting FROM pg_settings WHERE name = 'data_directory'",
    );
    const dir = rows[0]?.setting;
    return dir ? Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
  } catch {
    return null; // another machine's, or not ours to read
  }
}

/** The most arrivals within any `windowMs` of the (time, count so far) samples. */
function peakIn(samples: { at: number; count: number }[], windowMs: number): number {
  let best = 0;
  let from = 0;
  for (const s of samples) {
    while ((samples[from]?.at ?? s.at) < s.at - windowMs) from++;
    best = Math.max(best, s.count - (samples[from - 1]?.count ?? 0));
  }
  return best;
}

/**
 * E-mail (and SMS) reminders for a clinic of `patients` patients who each left a doctor's
 * message unread: seeded through one server without channels, then measured from the start of
 * a server with SMTP_URL and SMS_URL (a real SMTP server and an HTTP SMS API in this process)
 * until every reminder arrived; then two more sweeps, to see that none comes twice.
 */
export async function remindersScenario(o: {
  patients: number;
  doctors: number;
  smsEvery: number;
  sweepSeconds: number;
  /** REMINDER_AFTER_MINUTES: the measured server starts once every message is this old. */
  afterMinutes: number;
  /** A database of the caller's (the smoke test's); unset, openBenchDatabase's. */
  databaseUrl?: string;
}) {
  const db = o.databaseUrl
    ? { url: o.databaseUrl, source: 'given', stop: async () => undefined }
    : await openBenchDatabase();
  const timeZone = daytimeZone();
  // One service's secrets for both servers: the second opens what the first sealed.
  const secrets = newSecrets();
  const seeder = await startServer({}, { databaseUrl: db.url, secrets });
  const t0 = performance.now();
  const patients = await seedClinic(seeder, { ...o, timeZone });
  const seededAt = Date.now();
  const seedSeconds = round((performance.now() - t0) / 1000);
  process.stderr.write(`  seeded ${o.patients} patients, conversations and messages in ${seedSeconds} s\n`);
  await seeder.stop();
  // Every message old enough before the measured server starts: its first sweep finds them all.
  await new Promise((r) => setTimeout(r, Math.max(0, seededAt + o.afterMinutes * 60_000 + 5_000 - Date.now())));

  const smtp = await startSmtpSink();
  const sms = await startSmsProvider();
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  // A failed run stops PostgreSQL under an idle connection: that is not news.
  pool.on('error', () => undefined);
  const pgPid = await postgresPid(pool);
  const pgCpuBefore = pgPid ? readProcess(pgPid).cpuMs : null;
  const expected = { email: patients.length, sms: patients.filter((p) => p.phone).length };
  const start = performance.now();
  const server = await startServer(
    {
      SMTP_URL: smtp.url,
      SMS_URL: sms.url,
      SMS_TOKEN: 'bench-token',
      REMINDER_AFTER_MINUTES: String(o.afterMinutes),
      REMINDER_SWEEP_SECONDS: String(o.sweepSeconds),
      REMINDER_TIME_ZONE: timeZone,
    },
    { databaseUrl: db.url, secrets },
  );
  const readySeconds = round((performance.now() - start) / 1000);
  const samples: { at: number; count: number }[] = [];
  let peakRssKb = 0;
  let firstAt: number | null = null;
  const deadline = start + 20 * 60_000;
  for (;;) {
    const count = smtp.mails.length + sms.requests.length;
    const at = performance.now();
    samples.push({ at, count });
    if (count > 0) firstAt ??= at;
    peakRssKb = Math.max(peakRssKb, readProcess(server.pid).rssKb);
    if ((smtp.mails.length >= expected.email && sms.requests.length >= expected.sms) || at > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const doneAt = performance.now();
  const cpuSeconds = round(readProcess(server.pid).cpuMs / 1000);
  const pgCpuSeconds = pgPid && pgCpuBefore !== null ? round((readProcess(pgPid).cpuMs - pgCpuBefore) / 1000) : null;
  // Two more passes: a duplicate would come now.
  await new Promise((r) => setTimeout(r, 2.5 * o.sweepSeconds * 1000));
  const { rows: outbox } = await pool.query<{
    outcome: string | null;
    n: number;
    queuedSpanMs: number;
    retried: number;
  }>(
    `SELECT outcome, count(*)::int AS n, count(*) FILTER (WHERE attempts > 1)::int AS retried,
            (extract(epoch FROM max(created_at) - min(created_at)) * 1000)::int AS "queuedSpanMs"
       FROM reminder_outbox GROUP BY outcome`,
  );
  await pool.end();
  await server.stop();

  const perAddress = new Map<string, number>();
  for (const m of smtp.mails) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  for (const r of sms.requests) perAddress.set(r.to, (perAddress.get(r.to) ?? 0) + 1);
  const addresses = patients.flatMap((p) => (p.phone ? [p.email, p.phone] : [p.email]));
  const known = new Set(addresses);
  const leak = (text: string) => text.includes(MESSAGE_TEXT) || text.includes('metformin');
  const checks = {
    missing: addresses.filter((a) => !perAddress.has(a)).length,
    duplicated: addresses.filter((a) => (perAddress.get(a) ?? 0) > 1).length,
    strangers: [...perAddress.keys()].filter((a) => !known.has(a)).length,
    withMessageText: smtp.mails.filter((m) => leak(m.raw)).length + sms.requests.filter((r) => leak(r.body)).length,
  };
  await smtp.close();
  await sms.close();
  await db.stop();

  const sent = smtp.mails.length + sms.requests.length;
  const sendingMinutes = firstAt === null ? 0 : (doneAt - firstAt) / 60_000;
  const result = {
    scenario: 'reminders',
    database: db.source,
    patients: o.patients,
    doctors: o.doctors,
    expected,
    received: { email: smtp.mails.length, sms: sms.requests.length },
    checks,
    timeZone,
    seedSeconds,
    reminderAfterMinutes: o.afterMinutes,
    sweepSeconds: o.sweepSeconds,
    serverReadySeconds: readySeconds,
    secondsToFirst: firstAt === null ? null : round((firstAt - start) / 1000),
    secondsToAll: round((doneAt - start) / 1000),
    perMinute: {
      average: sendingMinutes > 0 ? Math.round(sent / sendingMinutes) : null,
      peak60s: peakIn(samples, 60_000),
      peak10sTimes6: peakIn(samples, 10_000) * 6,
    },
    outbox,
    serverCpuSeconds: cpuSeconds,
    serverPeakRssMb: round(peakRssKb / 1024),
    postgresCpuSeconds: pgCpuSeconds,
  };
  // The figures are still written; the run fails.
  if (checks.missing || checks.duplicated || checks.strangers || checks.withMessageText) {
    process.stderr.write(`reminders: checks failed ${JSON.stringify(checks)}\n`);
    process.exitCode = 1;
  }
  return result;
}
