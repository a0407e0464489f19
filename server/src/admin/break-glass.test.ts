import { describe, expect, it } from 'vitest';
import { OUTSIDE_ACCESS } from '../audit/audit.store.js';
import { startTestApp } from '../test/app.js';
import { planOf, rowsRead } from '../test/plans.js';
import { createAdmin, createPair, createPatient, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

describe('break-glass admin access', () => {
  it('keeps the stated reason, flags reads without one, and shows both in the participants’ access log', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'private question');
    // The patient's own read is not "outside".
    await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);

    const withReason = await admin.api.get(
      `/api/admin/conversations/${conversation.id}/messages?reason=${encodeURIComponent('Complaint #4411 review')}`,
    );
    expect(withReason.status).toBe(200);
    const byHeader = await admin.api.request('GET', `/api/admin/conversations/${conversation.id}/messages`, undefined, {
      'x-access-reason': 'Court order 2026-17',
    });
    expect(byHeader.status).toBe(200);
    const without = await admin.api.get(`/api/admin/conversations/${conversation.id}/messages`);
    expect(without.status).toBe(200); // still answers, but flagged

    const log = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
    expect(log.status).toBe(200);
    expect(log.body.data.map((e: any) => [e.actorId, e.action, e.reason, e.flagged])).toEqual([
      [admin.id, 'admin.messages.read', 'no reason given', true],
      [admin.id, 'admin.messages.read', 'Court order 2026-17', false],
      [admin.id, 'admin.messages.read', 'Complaint #4411 review', false],
    ]);
    expect(log.body.data[0].actorName).toBe(admin.name);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}/access-log`)).body.data).toHaveLength(3);
    const stranger = await createPatient(t);
    expect((await stranger.api.get(`/api/chat/conversations/${conversation.id}/access-log`)).status).toBe(404);
  });

  it('finds the outside reads without walking past the participants’ own reads or others’ listings', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    expect((await admin.api.get(`/api/admin/conversations/${conversation.id}/messages?reason=audit`)).status).toBe(200);
    // Two thousand page reads by the participants since, audited as the server audits them.
    await t.db.query(
      `INSERT INTO audit_events (actor_id, actor_role, action, conversation_id, outcome)
       SELECT CASE WHEN n % 2 = 0 THEN $2 ELSE $3 END, CASE WHEN n % 2 = 0 THEN 'PATIENT' ELSE 'DOCTOR' END,
              'messages.read', $1, 'success'
         FROM generate_series(1, 2000) AS n`,
      [conversation.id, patient.id, doctor.id],
    );
    // And two thousand rows of an admin's list as it was audited before migration 0017: outside, but not reads.
    await t.db.query(
      `INSERT INTO audit_events (actor_id, actor_role, action, conversation_id, outcome)
       SELECT $2, 'ADMIN', 'admin.conversations.list', $1, 'success' FROM generate_series(1, 2000)`,
      [conversation.id, admin.id],
    );
    const log = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
    expect(log.body.data.map((e: any) => e.actorId)).toEqual([admin.id]);

    const { rows } = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${OUTSIDE_ACCESS}`, [
      conversation.id,
      [patient.id, doctor.id],
      200,
    ]);
    const auditRowsRead = rowsRead(planOf(rows), 'audit_events');
    expect(auditRowsRead).toBeGreaterThan(0);
    expect(auditRowsRead).toBeLessThan(50);
  });
});

describe('security headers', () => {
  it('are on every response; HSTS when served over HTTPS behind a trusted proxy', async () => {
    for (const path of ['/', '/api/auth/me', '/healthz']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    const proxied = await startTestApp({ TRUST_PROXY: 'true' });
    try {
      const res = await fetch(`${proxied.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await proxied.close();
    }
  });
});
