import type { Page } from 'playwright-core';
import { encryptText, messageAad } from '../../server/src/crypto/keyring.js';
import type { TestApp } from '../../server/src/test/app.js';
import { createAppointment } from '../../server/src/test/factories.js';
import { personWithPassword } from './browser.js';

/** How far the page scrolls sideways: 0 when nothing is wider than the viewport. */
export const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** A patient and a doctor who share an appointment (both sign in with a password), and their conversation. */
export async function pairInConversation(app: TestApp, patientName: string, doctorName: string) {
  const patient = await personWithPassword(app, 'PATIENT', patientName);
  const doctor = await personWithPassword(app, 'DOCTOR', doctorName);
  await createAppointment(app, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  return { patient, doctor, conversation };
}

/**
 * `n` messages sealed straight into the database (sending them would take minutes): even seqs from `senders[0]`,
 * odd from `senders[1]`, texts from `textOf`. `readAll`: both have read it all, so the thread opens at the newest
 * (a thread with unread messages opens at the first of them).
 */
export async function seedHistory(
  app: TestApp,
  conversationId: string,
  senders: [string, string],
  n: number,
  { textOf = (seq: number) => `History message ${seq}`, readAll = true } = {},
) {
  const { rows } = await app.db.query('SELECT wrapped_key, key_version FROM conversations WHERE id = $1', [
    conversationId,
  ]);
  const key = app.keyring.dataKey(conversationId, { wrappedKey: rows[0].wrapped_key, keyVersion: rows[0].key_version });
  for (let start = 0; start < n; start += 2000) {
    const batch = Array.from({ length: Math.min(2000, n - start) }, (_, i) => {
      const id = crypto.randomUUID();
      const seq = start + i + 1;
      return {
        id,
        seq,
        sender: senders[seq % 2]!,
        body: encryptText(key, textOf(seq), messageAad(conversationId, id, 1)),
      };
    });
    await app.db.query(
      `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, body, created_at)
       SELECT b.id, $1, b.seq, b.seq, b.sender, 'seed-' || b.id, b.body, now() - make_interval(secs => $2 - b.seq)
         FROM unnest($3::uuid[], $4::int[], $5::text[], $6::bytea[]) AS b(id, seq, sender, body)`,
      [
        conversationId,
        n,
        batch.map((b) => b.id),
        batch.map((b) => b.seq),
        batch.map((b) => b.sender),
        batch.map((b) => b.body),
      ],
    );
  }
  await app.db.query(
    `UPDATE conversations SET last_seq = $2::int, last_rev = $2::int, last_message_at = now(), activity_at = now()
      WHERE id = $1`,
    [conversationId, n],
  );
  if (readAll)
    await app.db.query('UPDATE conversation_members SET last_read_seq = $2 WHERE conversation_id = $1', [
      conversationId,
      n,
    ]);
}
