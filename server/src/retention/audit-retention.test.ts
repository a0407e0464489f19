import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { freshDatabase, startTestApp, type TestApp } from '../test/app.js';
import { createAdmin } from '../test/factories.js';

/**
 * Audit events outlive messages: kept AUDIT_RETENTION_DAYS (six years at least), then removed
 * by the retention job alone, with the chain still verifying. A database of this file's own:
 * the test ages events, which would disturb other files' chain checks.
 */
describe('audit retention', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  beforeAll(async () => {
    db = await freshDatabase();
    t = await startTestApp({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  /** As the tables' owner, with the guards off: what only a test (or an attacker) could do. */
  const asOwner = async (sql: string, values: unknown[] = []) => {
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE NONE');
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await client.query(sql, values);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  };

  it('keeps at least six years, removes older events in the job only, and the chain still verifies', async () => {
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '1000' })).toThrow(/six years/);
    const admin = await createAdmin(t);
    // Each listing of conversations by an admin is an audited read.
    for (let i = 0; i < 12; i++) expect((await admin.api.get('/api/admin/conversations')).status).toBe(200);
    const { rows: ids } = await t.db.query<{ id: number }>('SELECT id FROM audit_events ORDER BY id');
    expect(ids.length).toBeGreaterThanOrEqual(12);
    const old = ids.slice(0, 5).map((r) => r.id);
    // Five events seven years old: their time changes, so the chain is recomputed as it was written.
    await asOwner(`UPDATE audit_events SET at = now() - interval '7 years' - make_interval(secs => 100 - id) WHERE id = ANY($1::bigint[])`, [old]);
    await asOwner(`DO $$ DECLARE r audit_events; prev bytea := NULL; BEGIN
      FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
        UPDATE audit_events SET prev_hash = prev, hash = audit_event_hash(prev, r) WHERE id = r.id;
        prev := audit_event_hash(prev, r);
      END LOOP; END $$`);
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({ ok: true });

    // Even with the job's flag, the trigger refuses events younger than six years.
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE NONE');
      await client.query(`SET LOCAL carechat.audit_purge = 'on'`);
      await expect(client.query('DELETE FROM audit_events WHERE id = $1', [ids[ids.length - 1]!.id])).rejects.toThrow(/append-only/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }

    const run = await t.app.jobs.runRetention();
    expect(run.auditEventsDeleted).toBe(5);
    const { rows: left } = await t.db.query<{ id: number }>('SELECT id FROM audit_events ORDER BY id LIMIT 1');
    expect(left[0]!.id).toBe(ids[5]!.id);
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({ ok: true, firstBroken: null });

    // Taking events off the front any other way is caught.
    await asOwner('DELETE FROM audit_events WHERE id = $1', [ids[5]!.id]);
    expect((await admin.api.get('/api/admin/audit/verify')).body).toMatchObject({ ok: false, firstBroken: { id: String(ids[6]!.id), reason: 'link' } });
  });
});
