import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp } from '../test/app.js';
import { CLAMD_BINARY } from '../test/clamd.js';
import { clientId, createPair } from '../test/factories.js';
import { pdf } from '../test/files.js';
// s3rver, an S3-compatible server in Node, ships no types; only its run/close are used.
// @ts-expect-error no declaration file
import S3rver from 's3rver';
import { freePort } from '../db/embedded.js';
import { sealFile, openChunks, sealedRange } from './file-crypto.js';
import { S3Storage } from './s3-storage.js';

const dir = path.resolve('.test-data', `s3-${process.pid}-${Date.now()}`);
let server: { run(): Promise<unknown>; close(): Promise<void> };
let storage: S3Storage;
let endpoint: string;

beforeAll(async () => {
  const port = await freePort();
  server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'carechat-test' }],
  });
  await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  storage = new S3Storage({
    bucket: 'carechat-test',
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  storage?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('S3 storage (against s3rver, a local S3-compatible server)', () => {
  it('stores ciphertext, reads byte ranges for partial downloads, and deletes', async () => {
    const key = Buffer.alloc(32, 3);
    const plain = Buffer.alloc(200_000);
    for (let i = 0; i < plain.length; i++) plain[i] = i % 253;
    const id = crypto.randomUUID();
    await storage.put(id, sealFile(key, plain, `file:${id}:original`));
    const span = sealedRange(plain.length, 70_000, 140_000);
    const chunks = openChunks(
      key,
      await storage.read(id, span.from, span.to),
      `file:${id}:original`,
      span.first,
      span.total,
    );
    const offset = span.first * 64 * 1024;
    expect(chunks.subarray(70_000 - offset, 140_001 - offset).equals(plain.subarray(70_000, 140_001))).toBe(true);

    const files = await readdir(dir, { recursive: true, withFileTypes: true });
    const contents = await Promise.all(
      files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name))),
    );
    expect(contents.some((c) => c.includes(plain.subarray(1000, 1100)))).toBe(false);

    await storage.delete(id);
    await expect(storage.read(id, 0, 10)).rejects.toThrow();
  });
});

describe.skipIf(!CLAMD_BINARY)('the server with S3_BUCKET set', () => {
  it('keeps attachments in the bucket and serves them back', async () => {
    const app = await startTestApp({
      CLAMD_URL: inject('clamdUrl'),
      S3_BUCKET: 'carechat-test',
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
    try {
      const { patient, doctor, conversation } = await createPair(app);
      const file = pdf(`s3 ${clientId()}`);
      const form = new FormData();
      form.append('conversationId', conversation.id);
      form.append('file', new Blob([file]), 'lab.pdf');
      const up = await fetch(`${app.url}/api/chat/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${patient.token}` },
        body: form,
      });
      const attachment = (await up.json()) as { id: string };
      expect(up.status).toBe(201);
      await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
        clientMessageId: clientId(),
        attachmentIds: [attachment.id],
      });
      const down = await fetch(`${app.url}/api/chat/attachments/${attachment.id}`, {
        headers: { authorization: `Bearer ${doctor.token}` },
      });
      expect(Buffer.from(await down.arrayBuffer()).equals(file)).toBe(true);
      const objects = await readdir(dir, { recursive: true });
      expect(objects.some((name) => String(name).includes(attachment.id))).toBe(true);
    } finally {
      await app.close();
    }
  });
});
