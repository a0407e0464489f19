import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startTestApp, TEST_MASTER_KEY, type TestApp } from '../test/app.js';
import { assertBuildCurrent } from '../test/build.js';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { HttpClient } from '../test/http-client.js';
import { openContact } from '../reminders/contacts.js';

// Rotation re-wraps every conversation in a database, so this file has a database of its own.
let own: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  own = await freshDatabase();
});
afterAll(() => own?.drop());

const NEW_KEY = 'b7'.repeat(32);

async function rotate(env: Record<string, string>, databaseUrl = own.url) {
  assertBuildCurrent(); // the script runs the build
  try {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'keys:rotate'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('master key rotation and crypto-shredding', () => {
  it('re-wraps every data key under a new version without touching messages; the old version can go', async () => {
    let app: TestApp = await startTestApp({ DATABASE_URL: own.url });
    const pairs = [];
    for (let i = 0; i < 3; i++) {
      const pair = await createPair(app);
      await sendText(pair.patient, pair.conversation.id, `before rotation ${i}`);
      pairs.push(pair);
    }
    const bodies = (await app.db.query('SELECT id, body FROM messages ORDER BY id')).rows;
    // A reminder address, sealed directly under the master key like a TOTP seed.
    const contactOf = pairs[0]!.patient;
    const address = `${contactOf.id}@mail.example`;
    const put = await app.service.put(`/api/integration/users/${contactOf.id}`, {
      ...{ name: contactOf.name, role: 'PATIENT', status: 'active' },
      contact: { email: address },
    });
    expect(put.status).toBe(200);
    await app.close();

    const result = await rotate({ MASTER_KEY: TEST_MASTER_KEY, NEW_MASTER_KEY: NEW_KEY });
    expect(result.code).toBe(0);
    expect(result.out).toContain('rotated to master key version 2: 3 data keys re-wrapped; retired versions: 1');

    // Only the new key is configured now, and everything still reads.
    app = await startTestApp({ DATABASE_URL: own.url, MASTER_KEY: NEW_KEY, MASTER_KEY_VERSION: '2' });
    try {
      for (const [i, pair] of pairs.entries()) {
        const page = await new HttpClient(app.url, pair.patient.token).get(
          `/api/chat/conversations/${pair.conversation.id}/messages`,
        );
        expect(page.body.data.map((m: any) => m.content)).toEqual([`before rotation ${i}`]);
      }
      const { rows: sealed } = await app.db.query(
        'SELECT email, key_version FROM reminder_contacts WHERE user_id = $1',
        [contactOf.id],
      );
      expect(sealed[0].key_version).toBe(2);
      const opened = openContact(app.keyring, { userId: contactOf.id, blob: sealed[0].email, keyVersion: 2 }, 'email');
      expect(opened).toBe(address);
      // The ciphertext is untouched.
      expect((await app.db.query('SELECT id, body FROM messages ORDER BY id')).rows).toEqual(bodies);
      // The rotation is on the audit trail, with the version and counts, never a key.
      const trail = await app.db.query(
        "SELECT actor_role, outcome, details FROM audit_events WHERE action = 'keys.rotate'",
      );
      expect(trail.rows).toEqual([
        { actor_role: 'SYSTEM', outcome: 'success', details: { version: 2, rewrapped: 3, remaining: 0, retired: [1] } },
      ]);
      const { rows } = await app.db.query('SELECT version, retired_at FROM master_keys ORDER BY version');
      expect(rows.map((r) => [r.version, r.retired_at !== null])).toEqual([
        [1, true],
        [2, false],
      ]);
      // The old key alone no longer starts the server: it would not open these conversations.
      await expect(startTestApp({ DATABASE_URL: own.url })).rejects.toThrow(/version\(s\) 2/);

      // Shredding: rows remain, nothing decrypts, and a legal hold prevents it.
      const admin = await createAdmin(app);
      const [held, doomed] = [pairs[0]!, pairs[1]!];
      expect(
        (await admin.api.put(`/api/admin/conversations/${held.conversation.id}/legal-hold`, { hold: true })).status,
      ).toBe(200);
      expect((await admin.api.post(`/api/admin/conversations/${held.conversation.id}/shred`)).status).toBe(403);
      expect((await admin.api.post(`/api/admin/conversations/${doomed.conversation.id}/shred`)).status).toBe(200);
      const count = await app.db.query(
        'SELECT count(*)::int AS n, bool_and(body IS NOT NULL) AS all_there FROM messages WHERE conversation_id = $1',
        [doomed.conversation.id],
      );
      expect(count.rows[0]).toEqual({ n: 1, all_there: true });
      const gone = await new HttpClient(app.url, doomed.patient.token).get(
        `/api/chat/conversations/${doomed.conversation.id}/messages`,
      );
      expect(gone.status).toBe(404);
      const { rows: keyRow } = await app.db.query('SELECT wrapped_key FROM conversations WHERE id = $1', [
        doomed.conversation.id,
      ]);
      expect(keyRow[0].wrapped_key).toBeNull();
    } finally {
      await app.close();
    }
  }, 90_000);

  it('comes back for a conversation a send holds locked as it passes, not leaving it on the old key', async () => {
    const db = await freshDatabase();
    const app = await startTestApp({ DATABASE_URL: db.url });
    const [held, other] = [await createPair(app), await createPair(app)];
    await app.close();
    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    try {
      // What a send does to its conversation's row, held until rotation has passed it by.
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE', [held.conversation.id]);
      const rotating = rotate({ MASTER_KEY: TEST_MASTER_KEY, NEW_MASTER_KEY: NEW_KEY }, db.url);
      const versionOf = async (id: string) =>
        (await lock.query('SELECT key_version FROM conversations WHERE id = $1', [id])).rows[0].key_version;
      while ((await versionOf(other.conversation.id)) === 1) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      await lock.query('ROLLBACK');
      const result = await rotating;
      expect(result.code).toBe(0);
      expect(result.out).toContain('2 data keys re-wrapped; retired versions: 1');
      expect(await versionOf(held.conversation.id)).toBe(2);
    } finally {
      await lock.end();
      await db.drop();
    }
  }, 90_000);
});
