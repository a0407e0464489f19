import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stopAll } from './cleanup.js';
import { remindersScenario } from './reminders.js';
import { throughputScenario } from './throughput.js';

// Provided by server/src/test/global-setup.ts (declared again here: bench does not compile server's tests).
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** A database of the smoke run's own on the test PostgreSQL: the server migrates it on start. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(inject('databaseUrl'));
  const name = `carechat_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * The load harness for real, small: the server as its own process, 300 connections from two
 * worker processes, 200 messages/s for a few seconds. Latency is not asserted (CI machines
 * are shared); losing, duplicating or not delivering an acknowledged message fails.
 */
describe('bench smoke run', () => {
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  it('holds 300 connections and delivers every acknowledged message exactly once', async () => {
    db = await createDatabase();
    const r = await throughputScenario({
      databaseUrl: db.url,
      connections: 300,
      workers: 2,
      rates: [200],
      stepSeconds: 4,
      settleMs: 500,
    });
    expect(r.connections).toMatchObject({ requested: 300, connected: 300, failed: 0, held: 300 });
    for (const step of [r.warmUp, ...r.steps]) {
      expect(step.sent).toBeGreaterThan(0);
      expect({
        acked: step.acked,
        acksLost: step.acksLost,
        notDelivered: step.notDelivered,
        duplicates: step.duplicates,
        errors: step.ackErrors,
      }).toEqual({
        acked: step.sent,
        acksLost: 0,
        notDelivered: 0,
        duplicates: 0,
        errors: {},
      });
    }
    expect(r.steps[0]!.sent).toBeGreaterThanOrEqual(790); // 200/s for 4 s, open loop
  }, 60_000);
});

/**
 * `--team 2`, small: 75 conversations of a patient, a doctor and two STAFF members (300
 * connections), provisioned in one integration batch. Every acknowledged message must reach all
 * three recipients exactly once, each counted apart.
 */
describe('bench smoke run with care teams', () => {
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  it('delivers every acknowledged message once to the doctor and to each team member', async () => {
    db = await createDatabase();
    const r = await throughputScenario({
      databaseUrl: db.url,
      connections: 300,
      team: 2,
      workers: 2,
      rates: [100],
      stepSeconds: 3,
      settleMs: 500,
    });
    expect({ team: r.team, pairs: r.pairs }).toEqual({ team: 2, pairs: 75 });
    expect(r.connections).toMatchObject({ requested: 300, connected: 300, failed: 0, held: 300 });
    for (const step of [r.warmUp, ...r.steps]) {
      expect(step.sent).toBeGreaterThan(0);
      expect({
        recipients: step.recipients,
        acked: step.acked,
        deliveries: step.deliveries,
        notDelivered: step.notDelivered,
        duplicates: step.duplicates,
      }).toEqual({ recipients: 3, acked: step.sent, deliveries: step.sent * 3, notDelivered: 0, duplicates: 0 });
      expect(step.deliveryMs.count).toBe(step.sent * 3);
    }
  }, 60_000);
});

/**
 * The reminders scenario, small: 30 patients (3 with SMS), messages 6 s old. Its figures are
 * not asserted; every address getting exactly one reminder without the message's text is.
 */
describe('bench reminders smoke run', () => {
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
  afterAll(async () => {
    await stopAll();
    await db?.drop();
  });

  it('sends each patient exactly one PHI-free reminder per chosen channel', async () => {
    db = await createDatabase();
    const r = await remindersScenario({
      databaseUrl: db.url,
      patients: 30,
      doctors: 3,
      smsEvery: 10,
      sweepSeconds: 1,
      afterMinutes: 0.1,
    });
    expect(r.received).toEqual({ email: 30, sms: 3 });
    expect(r.checks).toEqual({ missing: 0, duplicated: 0, strangers: 0, withMessageText: 0 });
  }, 120_000);
});
