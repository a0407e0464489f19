import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { freshDatabase, startTestApp, type TestApp } from '../test/app.js';
import { createAdmin } from '../test/factories.js';
import { spawnServer } from '../test/server-process.js';
import { verifyAuditChain } from '../audit/audit-chain.js';
import { asTablesOwner } from '../test/audit.js';

/**
 * A test app on a database of its own, for the describe block it is called in: these tests
 * age and remove audit events, which would disturb other files' chain checks.
 */
function appOnOwnDatabase(): TestApp {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  return new Proxy({} as TestApp, { get: (_, key) => app![key as keyof TestApp] });
}

/** As the tables' owner, with the guards off: what only a test (or an attacker) could do. */
const asOwner = (t: TestApp, sql: string, values: unknown[] = []) =>
  asTablesOwner(t.db, async (c) => {
    await c.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await c.query(sql, values);
    await c.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
  });

/** Makes these events seven years old; their time changes, so the chain is recomputed as it was written. */
async function ageSevenYears(t: TestApp, ids: number[]): Promise<void> {
  await asOwner(
    t,
    `UPDATE audit_events SET at = now() - interval '7 years' - make_interval(secs => 100000 - id)
      WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  await asOwner(
    t,
    `DO $$ DECLARE r audit_events; prev bytea := NULL; BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
      UPDATE audit_events SET prev_hash = prev, hash = audit_event_hash(prev, r) WHERE id = r.id;
      prev := audit_event_hash(prev, r);
    END LOOP; END $$`,
  );
}

/**
 * Audit events outlive messages: kept AUDIT_RETENTION_DAYS (six years at least), then removed
 * by the retention job alone, with the chain still verifying.
 */
describe('audit retention', () => {
  const t = appOnOwnDatabase();

  it('keeps at least six years, removes older events in the job only, and the chain still verifies', async () => {
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '1000' })).toThrow(/six years/);
    const admin = await createAdmin(t);
    // Each listing of conversations by an admin is audited (one event per listing).
    for (let i = 0; i < 12; i++) expect((await admin.api.get('/api/admin/conversations')).status).toBe(200);
    const { rows: ids } = await t.db.query<{ id: number }>('SELECT id FROM audit_events ORDER BY id');
    expect(ids.length).toBeGreaterThanOrEqual(12);
    await ageSevenYears(
      t,
      ids.slice(0, 5).map((r) => r.id),
    );
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({ ok: true });

    // Even with the job's flag, the trigger refuses events younger than six years.
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE NONE');
      await client.query(`SET LOCAL carechat.audit_purge = 'on'`);
      await expect(client.query('DELETE FROM audit_events WHERE id = $1', [ids[ids.length - 1]!.id])).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }

    const run = await t.app.jobs.runRetention();
    expect(run.auditEventsDeleted).toBe(5);
    const { rows: purges } = await t.db.query(`SELECT details FROM audit_events WHERE action = 'audit.purge'`);
    expect(purges).toEqual([
      { details: expect.objectContaining({ deleted: 5, auditAnchor: expect.stringMatching(/^[0-9a-f]{64}$/) }) },
    ]);
    const { rows: left } = await t.db.query<{ id: number }>('SELECT id FROM audit_events ORDER BY id LIMIT 1');
    expect(left[0]!.id).toBe(ids[5]!.id);
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({ ok: true, firstBroken: null });

    // Taking events off the front any other way is caught.
    await asOwner(t, 'DELETE FROM audit_events WHERE id = $1', [ids[5]!.id]);
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({
      ok: false,
      firstBroken: { id: String(ids[6]!.id), reason: 'link' },
    });
  });
});

describe('audit retention across a crash', () => {
  const t = appOnOwnDatabase();

  it('leaves a chain that verifies when the server is killed in the middle of removing old events', async () => {
    await t.db.query(
      `INSERT INTO audit_events (actor_id, actor_role, action, outcome)
       SELECT 'filler', 'SYSTEM', 'test.filler', 'success' FROM generate_series(1, 3000)`,
    );
    const { rows } = await t.db.query<{ id: number }>(
      `SELECT id FROM audit_events WHERE action = 'test.filler' ORDER BY id`,
    );
    await ageSevenYears(
      t,
      rows.map((r) => r.id),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    const left = async () =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.filler'`))
        .rows[0]!.n;

    // Ten events a batch, first run at once; killed as soon as the first batches are gone.
    const server = await spawnServer({
      DATABASE_URL: t.config.databaseUrl!,
      RETENTION_FIRST_RUN_SECONDS: '0',
      RETENTION_BATCH: '10',
    });
    try {
      while ((await left()) === 3000) await new Promise((r) => setTimeout(r, 2));
      server.child.kill('SIGKILL');
      await server.exited;
    } finally {
      server.child.kill('SIGKILL');
    }
    const remaining = await left();
    expect(remaining).toBeGreaterThan(0); // the kill landed in the middle of the run
    expect(remaining % 10).toBe(0);
    const { rows: runs } = await t.db.query(`SELECT 1 FROM audit_events WHERE action = 'retention.run'`);
    expect(runs).toHaveLength(0); // the run never reached its end
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, firstBroken: null });

    const run = await t.app.jobs.runRetention();
    expect(run.auditEventsDeleted).toBe(remaining);
    expect(await left()).toBe(0);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, firstBroken: null });
  }, 120_000);

  it('records a run that fails, with what it did and a cause that quotes no data', async () => {
    // The job cannot touch conversations: as good a failure as a full disk or a lost connection.
    await asOwner(
      t,
      `CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql
         AS $$ BEGIN RAISE EXCEPTION 'refused: secret text'; END $$`,
    );
    await asOwner(
      t,
      'CREATE TRIGGER test_refuse BEFORE UPDATE ON conversations FOR EACH STATEMENT EXECUTE FUNCTION test_refuse()',
    );
    try {
      await expect(t.app.jobs.runRetention()).rejects.toThrow(/refused/);
    } finally {
      await asOwner(t, 'DROP TRIGGER test_refuse ON conversations; DROP FUNCTION test_refuse()');
    }
    const { rows } = await t.db.query(
      `SELECT outcome, details FROM audit_events WHERE action = 'retention.run' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({ outcome: 'failure', details: { ran: true, error: 'P0001', messagesDeleted: 0 } });
    expect(JSON.stringify(rows[0].details)).not.toMatch(/secret|refused/);
    // The next run, with nothing in its way, succeeds and says so.
    await t.app.jobs.runRetention();
    const { rows: after } = await t.db.query(
      `SELECT outcome FROM audit_events WHERE action = 'retention.run' ORDER BY id DESC LIMIT 1`,
    );
    expect(after[0].outcome).toBe('success');
  });
});
