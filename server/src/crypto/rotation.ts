import { setTimeout as sleep } from 'node:timers/promises';
import { insertAuditEvent } from '../audit/audit.store.js';
import { withTransaction, type Db } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';
import type { Keyring } from './keyring.js';
import { resealContacts } from '../reminders/contacts.js';

const BATCH = 500;
/** How long rotation keeps coming back for conversations that sends hold locked. */
const BUSY_WAIT_MS = 10_000;

export interface RotationReport {
  rewrapped: number;
  /** Conversations still under an older version: held by a transaction for all of BUSY_WAIT_MS. Run again. */
  remaining: number;
  /** Master key versions no conversation needs any more. */
  retired: number[];
}

/**
 * Re-wraps every conversation's data key (and re-seals TOTP seeds and reminder addresses) under
 * the keyring's current master key version, in batches that each commit; message and file
 * ciphertext is never touched. Versions nothing uses afterwards are marked retired and can be
 * dropped from configuration.
 */
export async function rotateMasterKey(db: Db, keyring: Keyring): Promise<RotationReport> {
  await keyring.verify(db);
  let rewrapped = 0;
  let remaining: number;
  const giveUpAt = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    const n = await withTransaction(db, async (tx) => {
      const { rows } = await tx.query<{ id: string; wrapped_key: Buffer; key_version: number }>(
        `SELECT id, wrapped_key, key_version FROM conversations
          WHERE wrapped_key IS NOT NULL AND key_version <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [keyring.currentVersion, BATCH],
      );
      for (const r of rows) {
        const next = keyring.rewrap(r.id, { wrappedKey: r.wrapped_key, keyVersion: r.key_version });
        await tx.query('UPDATE conversations SET wrapped_key = $2, key_version = $3 WHERE id = $1', [
          r.id,
          next.wrappedKey,
          next.keyVersion,
        ]);
      }
      return rows.length;
    });
    rewrapped += n;
    if (n === BATCH) continue;
    // A short batch skipped the rows a send held at that moment (SKIP LOCKED): those locks
    // last milliseconds, so come back for them rather than leave them on the old key.
    const { rows: left } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM conversations WHERE wrapped_key IS NOT NULL AND key_version <> $1',
      [keyring.currentVersion],
    );
    remaining = onlyRow(left, 'count conversations left to rotate').n;
    if (remaining === 0 || Date.now() > giveUpAt) break;
    if (n === 0) await sleep(50);
  }
  // TOTP seeds are sealed directly under the master key: re-seal them too.
  const { rows: seeds } = await db.query<{ id: string; totp_secret: Buffer; totp_key_version: number }>(
    'SELECT id, totp_secret, totp_key_version FROM users WHERE totp_secret IS NOT NULL AND totp_key_version <> $1',
    [keyring.currentVersion],
  );
  for (const u of seeds) {
    const sealed = keyring.sealSecret(
      keyring.openSecret(u.totp_secret, u.totp_key_version, `totp:${u.id}`),
      `totp:${u.id}`,
    );
    await db.query('UPDATE users SET totp_secret = $2, totp_key_version = $3 WHERE id = $1 AND totp_key_version = $4', [
      u.id,
      sealed.blob,
      sealed.version,
      u.totp_key_version,
    ]);
  }
  await resealContacts(db, keyring);
  const { rows } = await db.query<{ version: number }>(
    `UPDATE master_keys m SET retired_at = now()
      WHERE m.version <> $1 AND m.retired_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.key_version = m.version AND c.wrapped_key IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.totp_key_version = m.version AND u.totp_secret IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM reminder_contacts rc WHERE rc.key_version = m.version)
      RETURNING version`,
    [keyring.currentVersion],
  );
  const report = { rewrapped, remaining, retired: rows.map((r) => r.version).sort((a, b) => a - b) };
  // Key management is on the trail too (164.312(a)(2)(iv)); never the key, only its version and what moved.
  await insertAuditEvent(db, {
    actorId: null,
    actorRole: 'SYSTEM',
    action: 'keys.rotate',
    outcome: remaining === 0 ? 'success' : 'failure',
    details: { version: keyring.currentVersion, ...report },
  });
  return report;
}
