import type { Keyring } from '../crypto/keyring.js';
import type { Queryable } from '../db/pool.js';

/** What the integration API says of a person's reminder addresses: undefined keeps, null removes. */
export interface ContactInput {
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

export type ContactField = 'email' | 'phone';

/** The AAD of a sealed address: it opens only in its own person's row and field. */
const aad = (userId: string, field: ContactField) => `reminder-contact:${field}:${userId}`;

/**
 * Seals and stores the addresses of the people the integration API wrote, in its transaction.
 * A field left out keeps what is stored; a row with no address left goes. Everything stored is
 * sealed under the current master key, so a row written now never mixes versions.
 */
export async function writeContacts(
  db: Queryable,
  keyring: Keyring,
  people: { id: string; contact?: ContactInput | undefined }[],
): Promise<void> {
  const given = people.filter((p) => p.contact && (p.contact.email !== undefined || p.contact.phone !== undefined));
  if (given.length === 0) return;
  const seal = (id: string, field: ContactField, value: string | null | undefined) =>
    value ? keyring.sealSecret(Buffer.from(value, 'utf8'), aad(id, field)).blob : null;
  const { rows: stored } = await db.query<{ user_id: string; email: Buffer | null; phone: Buffer | null; v: number }>(
    'SELECT user_id, email, phone, key_version AS v FROM reminder_contacts WHERE user_id = ANY($1::text[]) FOR UPDATE',
    [given.map((p) => p.id)],
  );
  const before = new Map(stored.map((r) => [r.user_id, r]));
  // A kept field is re-sealed under the current version along with the new one.
  const kept = (id: string, field: ContactField): string | null => {
    const row = before.get(id);
    const blob = row?.[field];
    return row && blob ? openContact(keyring, { userId: id, blob, keyVersion: row.v }, field) : null;
  };
  const rows = given.map((p) => ({
    id: p.id,
    email: seal(p.id, 'email', p.contact?.email === undefined ? kept(p.id, 'email') : p.contact.email),
    phone: seal(p.id, 'phone', p.contact?.phone === undefined ? kept(p.id, 'phone') : p.contact.phone),
  }));
  await db.query(
    `WITH given AS (SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS g(user_id, email, phone)),
     gone AS (DELETE FROM reminder_contacts c USING given g
               WHERE c.user_id = g.user_id AND g.email IS NULL AND g.phone IS NULL)
     INSERT INTO reminder_contacts (user_id, email, phone, key_version)
     SELECT user_id, email, phone, $4 FROM given WHERE email IS NOT NULL OR phone IS NOT NULL
     ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone, key_version = $4`,
    [rows.map((r) => r.id), rows.map((r) => r.email), rows.map((r) => r.phone), keyring.currentVersion],
  );
}

/** One sealed address, opened for sending. */
export function openContact(
  keyring: Keyring,
  row: { userId: string; blob: Buffer; keyVersion: number },
  field: ContactField,
): string {
  return keyring.openSecret(row.blob, row.keyVersion, aad(row.userId, field)).toString('utf8');
}

/** Key rotation (crypto/rotation.ts): addresses sealed under an older master key, re-sealed under the current one. */
export async function resealContacts(db: Queryable, keyring: Keyring): Promise<void> {
  const { rows } = await db.query<{ user_id: string; email: Buffer | null; phone: Buffer | null; v: number }>(
    'SELECT user_id, email, phone, key_version AS v FROM reminder_contacts WHERE key_version <> $1',
    [keyring.currentVersion],
  );
  const reseal = (userId: string, v: number, blob: Buffer | null, field: ContactField) =>
    blob ? keyring.sealSecret(keyring.openSecret(blob, v, aad(userId, field)), aad(userId, field)).blob : null;
  for (const r of rows)
    // Only if no one rewrote the row meanwhile (the integration API seals under the current key too).
    await db.query(
      'UPDATE reminder_contacts SET email = $2, phone = $3, key_version = $4 WHERE user_id = $1 AND key_version = $5',
      [
        r.user_id,
        reseal(r.user_id, r.v, r.email, 'email'),
        reseal(r.user_id, r.v, r.phone, 'phone'),
        keyring.currentVersion,
        r.v,
      ],
    );
}
