import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { assertBuildCurrent } from '../test/build.js';
import { useTestApp } from '../test/harness.js';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { insertAuditEvent } from './audit.store.js';

const t = useTestApp();

/** `npm run audit:verify` against the run's database: exit code and what it printed. */
async function cli(): Promise<{ code: number; out: string }> {
  assertBuildCurrent(); // the script runs the build
  try {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify'], {
      env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('the tamper-evident audit chain', () => {
  it('verifies after a thousand mixed, concurrent events and names the exact row altered in SQL', async () => {
    const admin = await createAdmin(t);
    const { patient, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'chain');
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 0) writes.push(patient.api.get(`/api/chat/conversations/${conversation.id}/messages`));
      else if (i % 10 === 1) writes.push(admin.api.get(`/api/admin/conversations/${conversation.id}/messages`));
      else
        writes.push(
          insertAuditEvent(t.db, {
            actorId: admin.id,
            actorRole: 'ADMIN',
            action: `test.event.${i % 7}`,
            outcome: 'success',
            targetId: String(i),
            details: { i },
          }),
        );
      if (writes.length >= 40) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const intact = await admin.api.get('/api/admin/audit/verify');
    expect(intact.body.ok).toBe(true);
    expect(intact.body.checked).toBeGreaterThanOrEqual(1000);
    expect((await cli()).code).toBe(0);

    const { rows } = await t.db.query(
      `SELECT id, outcome FROM audit_events WHERE actor_id = $1 AND target_id = '505'`,
      [admin.id],
    );
    const victim = String(rows[0].id);
    const tamper = async (outcome: string) => {
      const client = await t.db.connect();
      try {
        await client.query('BEGIN');
        // Tampering as the tables' owner would: the app role has no rights to do it.
        await client.query('SET LOCAL ROLE NONE');
        await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
        await client.query('UPDATE audit_events SET outcome = $2 WHERE id = $1', [victim, outcome]);
        await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await tamper('failure');
    try {
      const broken = await admin.api.get('/api/admin/audit/verify');
      expect(broken.body).toMatchObject({ ok: false, firstBroken: { id: victim, reason: 'hash' } });
      const out = await cli();
      expect(out.code).toBe(2);
      expect(out.out).toContain(`BROKEN at event ${victim}`);
    } finally {
      await tamper(rows[0].outcome); // put it back so the chain is whole for everyone else
    }
    expect((await admin.api.get('/api/admin/audit/verify')).body.ok).toBe(true);
  }, 60_000);
});
