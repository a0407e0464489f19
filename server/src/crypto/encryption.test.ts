import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import type { Db } from '../db/pool.js';
import { createPair, sendText, clientId } from '../test/factories.js';
import { decryptText, encryptText, Keyring, messageAad } from './keyring.js';

const t = useTestApp();

/**
 * The whole database as text: `pg_dump` where the machine has one that speaks this server's
 * version, and in any case every row of every table read back as text (bytea shows as hex).
 */
async function dumpDatabase(db: Db): Promise<string> {
  let dump = '';
  try {
    dump += (await promisify(execFile)('pg_dump', ['--no-owner', inject('databaseUrl')], { maxBuffer: 512 * 1024 * 1024 })).stdout;
  } catch {
    // e.g. pg_dump 15 against the embedded PostgreSQL 18: the SQL read below still covers every row.
  }
  const { rows: tables } = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
  for (const { name } of tables) {
    const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
    dump += rows.map((r) => r.row).join('\n');
  }
  return dump;
}

describe('encryption at rest', () => {
  it('leaves no message text, edit, reply snippet or preview in a dump of the database', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const mark = clientId();
    const texts = [`glucose 7.8 mmol/L zebra-${mark}`, `HIV test negative quartz-${mark}`, `edited: insulin 12 units ${mark}`];
    const first = await sendText(patient, conversation.id, texts[0]!);
    const second = await sendText(doctor, conversation.id, texts[1]!);
    await doctor.api.patch(`/api/chat/messages/${second.id}`, { content: texts[2] });
    await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content: `reply ${mark}`, replyToId: first.id });
    await patient.api.get('/api/chat/conversations'); // previews are computed, never stored

    const dump = await dumpDatabase(t.db);
    expect(dump).toContain(conversation.id); // the dump really holds this conversation's rows
    for (const text of [...texts, `reply ${mark}`, 'zebra', 'quartz', 'insulin']) {
      expect(dump).not.toContain(text);
      expect(dump.toLowerCase()).not.toContain(Buffer.from(text).toString('hex'));
    }
    expect(dump.toLowerCase()).not.toContain(Buffer.from(mark).toString('hex'));
  });

  it('refuses a ciphertext moved into another row instead of showing the wrong text', async () => {
    const { patient, conversation } = await createPair(t);
    const a = await sendText(patient, conversation.id, 'message A: allergic to penicillin');
    const b = await sendText(patient, conversation.id, 'message B: no allergies');
    await t.db.query(
      `UPDATE messages SET body = CASE id WHEN $1::uuid THEN (SELECT body FROM messages WHERE id = $2::uuid)
                                          ELSE (SELECT body FROM messages WHERE id = $1::uuid) END
        WHERE id IN ($1::uuid, $2::uuid)`,
      [a.id, b.id],
    );
    const res = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/allerg|penicillin|stack/i);
  });

  it('seals with a fresh IV each time and fails on a wrong key, wrong AAD or a flipped bit', () => {
    const key = Buffer.alloc(32, 7);
    const aad = messageAad('c1', 'm1', 1);
    const one = encryptText(key, 'same text', aad);
    const two = encryptText(key, 'same text', aad);
    expect(one.equals(two)).toBe(false);
    expect(decryptText(key, one, aad)).toBe('same text');
    expect(() => decryptText(Buffer.alloc(32, 8), one, aad)).toThrow();
    expect(() => decryptText(key, one, messageAad('c1', 'm2', 1))).toThrow();
    expect(() => decryptText(key, one, messageAad('c2', 'm1', 1))).toThrow();
    expect(() => decryptText(key, one, messageAad('c1', 'm1', 2))).toThrow();
    const flipped = Buffer.from(one);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => decryptText(key, flipped, aad)).toThrow();
  });

  it('stores only wrapped data keys, and refuses to start under a different master key', async () => {
    const { conversation } = await createPair(t);
    const { rows } = await t.db.query(`SELECT wrapped_key, key_version FROM conversations WHERE id = $1`, [conversation.id]);
    const dataKey = t.keyring.dataKey(conversation.id, { wrappedKey: rows[0].wrapped_key, keyVersion: rows[0].key_version });
    expect(rows[0].wrapped_key.includes(dataKey)).toBe(false);
    const wrong = new Keyring(new Map([[1, Buffer.alloc(32, 9)]]), 1);
    await expect(wrong.verify(t.db)).rejects.toThrow(/MASTER_KEY does not match/);
  });
});
