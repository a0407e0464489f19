import { request } from 'node:http';
import { readdir, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.js';
import { auditRowsOf, refuseAuditRowsOf } from '../test/audit.js';
import { CLAMD_BINARY, EICAR, MALWARE_MARKER, startClamd } from '../test/clamd.js';
import { clientId, createAdmin, createPair, createPatient, upload, type TestUser } from '../test/factories.js';
import { cleanJpeg, cleanPng, gpsExifSegment, pdf, sidewaysPng, withSegment, withTextChunk } from '../test/files.js';
import { connectClient } from '../test/socket-client.js';

const MiB = 1024 * 1024;
let t: TestApp;

/**
 * An upload whose file part is left open, so the server holds it in flight until `finish`;
 * `finish` sends the rest and resolves with the status.
 */
function heldUpload(app: TestApp, user: TestUser, conversationId: string, bytes: Buffer) {
  const boundary = `held${Math.random().toString(36).slice(2)}`;
  const req = request(`${app.url}/api/chat/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n${conversationId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="held.png"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  req.write(bytes.subarray(0, 16));
  return {
    finish: () => {
      req.end(Buffer.concat([bytes.subarray(16), Buffer.from(`\r\n--${boundary}--\r\n`)]));
      return status;
    },
  };
}

async function download(app: TestApp, user: TestUser, id: string, headers: Record<string, string> = {}, suffix = '') {
  const res = await fetch(`${app.url}/api/chat/attachments/${id}${suffix}`, {
    headers: { authorization: `Bearer ${user.token}`, ...headers },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function storedFiles(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []))
    if (entry.isFile()) out.push(await readFile(path.join(entry.parentPath, entry.name)));
  return out;
}

const attachmentsDir = () => path.join(t.config.dataDir, 'attachments');
const rowsFor = async (conversationId: string) =>
  (await t.db.query(`SELECT count(*)::int AS n FROM attachments WHERE conversation_id = $1`, [conversationId])).rows[0]
    .n;

describe.skipIf(!CLAMD_BINARY)('attachments (real clamd)', () => {
  beforeAll(async () => {
    t = await startTestApp({ CLAMD_URL: inject('clamdUrl') });
  });
  afterAll(() => t?.close());

  it('take clean PNG, JPEG and PDF, give them back byte-identical with headers that keep browsers safe', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const files = [
      { bytes: await cleanPng(), name: 'rash.png', mime: 'image/png', width: 40, height: 30 },
      { bytes: await cleanJpeg(), name: 'wound photo.jpg', mime: 'image/jpeg', width: 64, height: 48 },
      { bytes: pdf('lab results'), name: 'Blood test – März.pdf', mime: 'application/pdf' },
    ];
    const ids: string[] = [];
    for (const f of files) {
      const res = await upload(t, patient, conversation.id, f.bytes, f.name);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ fileName: f.name, mimeType: f.mime, size: f.bytes.length, scanStatus: 'CLEAN' });
      if (f.width) expect(res.body).toMatchObject({ width: f.width, height: f.height });
      ids.push(res.body.id);
    }
    const ack = await (
      await connectClient(t.url, { token: patient.token })
    ).emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      attachmentIds: ids,
    });
    expect(ack.ok).toBe(true);
    expect(ack.message.content).toBeNull();
    expect(ack.message.attachments.map((a: any) => a.id)).toEqual(ids);

    for (const [i, f] of files.entries()) {
      const got = await download(t, doctor, ids[i]!);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(f.bytes)).toBe(true);
      expect(got.headers.get('content-type')).toBe(f.mime);
      expect(got.headers.get('content-length')).toBe(String(f.bytes.length));
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
      const thumb = await download(t, doctor, ids[i]!, {}, '/thumbnail');
      expect(thumb.status).toBe(200);
      const meta = await sharp(thumb.bytes).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(640);
    }
    expect((await download(t, doctor, ids[2]!)).headers.get('content-disposition')).toContain(
      encodeURIComponent('Blood test – März.pdf'),
    );
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data[0].attachments.map((a: any) => a.fileName)).toEqual(files.map((f) => f.name));
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.lastMessage.preview).toBe(
      '📎 Attachment',
    );
  });

  it('bring an archived conversation back, count as read for the sender and unread for the other side', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    expect((await doctor.api.patch(`/api/chat/conversations/${conversation.id}`, { archived: true })).status).toBe(200);
    const res = await upload(t, patient, conversation.id, await cleanPng(), 'rash.png');
    expect(res.status).toBe(201);
    const ack = await (
      await connectClient(t.url, { token: patient.token })
    ).emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      attachmentIds: [res.body.id],
    });
    expect(ack.ok).toBe(true);
    const asDoctor = (await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body;
    expect(asDoctor).toMatchObject({ archived: false, unreadCount: 1 });
    const asPatient = (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body;
    expect(asPatient).toMatchObject({ archived: false, unreadCount: 0, lastReadSeq: ack.message.seq });
  });

  it('strip EXIF (GPS included) and text chunks, and nothing else', async () => {
    const { patient, conversation } = await createPair(t);
    const jpeg = await cleanJpeg();
    const tagged = withSegment(jpeg, await gpsExifSegment());
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const up = await upload(t, patient, conversation.id, tagged, 'IMG_0001.jpg');
    expect(up.body.size).toBe(jpeg.length);
    const got = await download(t, patient, up.body.id);
    expect(got.bytes.equals(jpeg)).toBe(true);
    expect((await sharp(got.bytes).metadata()).exif).toBeUndefined();
    expect(got.bytes.includes(Buffer.from('CareChatTestCam'))).toBe(false);

    // What phones add after the picture: an MPF index (APP2, not a colour profile) and, past
    // the end-of-image marker, further pictures with their own EXIF and GPS (or a video).
    const mpf = Buffer.concat([Buffer.from([0xff, 0xe2, 0x00, 0x0c]), Buffer.from('MPF\0', 'latin1'), Buffer.alloc(6)]);
    const secondPicture = withSegment(await cleanJpeg(32, 24), await gpsExifSegment());
    const phone = Buffer.concat([withSegment(jpeg, mpf), secondPicture]);
    const phoneUp = await upload(t, patient, conversation.id, phone, 'PXL_0001.MP.jpg');
    expect(phoneUp.status).toBe(201);
    const phoneGot = (await download(t, patient, phoneUp.body.id)).bytes;
    expect(phoneGot.equals(jpeg)).toBe(true);
    expect(phoneGot.includes(Buffer.from('CareChatTestCam'))).toBe(false);
    // A progressive JPEG (several scans, tables between them) keeps every scan.
    const progressive = await sharp(await cleanJpeg(80, 60))
      .jpeg({ progressive: true })
      .toBuffer();
    const progUp = await upload(
      t,
      patient,
      conversation.id,
      withSegment(progressive, await gpsExifSegment()),
      'progressive.jpg',
    );
    expect((await download(t, patient, progUp.body.id)).bytes.equals(progressive)).toBe(true);

    const png = await cleanPng();
    const pngUp = await upload(t, patient, conversation.id, withTextChunk(png, 'GPS 51.5N 0.1W'), 'scan.png');
    expect((await download(t, patient, pngUp.body.id)).bytes.equals(png)).toBe(true);

    // A photo taken sideways comes back upright, without the tag that said so.
    const sideways = await sharp(await cleanJpeg(64, 48))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const turned = await upload(t, patient, conversation.id, sideways, 'sideways.jpg');
    expect(turned.body).toMatchObject({ width: 48, height: 64 });
    const meta = await sharp((await download(t, patient, turned.body.id)).bytes).metadata();
    expect([meta.width, meta.height, meta.orientation, meta.exif]).toEqual([48, 64, undefined, undefined]);
  });

  it('refuse EICAR in a PNG and our marker in a PDF as FILE_INFECTED, storing nothing', async () => {
    const { patient, conversation } = await createPair(t);
    const before = (await storedFiles(attachmentsDir())).length;
    const infectedPng = withTextChunk(await cleanPng(), EICAR);
    const res = await upload(t, patient, conversation.id, infectedPng, 'cute-cat.png');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('FILE_INFECTED');
    const res2 = await upload(t, patient, conversation.id, pdf(MALWARE_MARKER), 'invoice.pdf');
    expect(res2.status).toBe(422);
    expect(res2.body.error.code).toBe('FILE_INFECTED');
    expect(await rowsFor(conversation.id)).toBe(0);
    expect((await storedFiles(attachmentsDir())).length).toBe(before);
  });

  it('judge the type by content: an executable named .png is UNSUPPORTED_FILE_TYPE', async () => {
    const { patient, conversation } = await createPair(t);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(2000, 1)]);
    const res = await upload(t, patient, conversation.id, elf, 'photo.png');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_FILE_TYPE');
    const fakePng = Buffer.concat([(await cleanPng()).subarray(0, 8), Buffer.from('not really a png')]);
    expect((await upload(t, patient, conversation.id, fakePng, 'x.png')).body.error.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(await rowsFor(conversation.id)).toBe(0);
  });

  it('take exactly 10 MiB and refuse 10 MiB + 1 byte as FILE_TOO_LARGE', async () => {
    const { patient, conversation } = await createPair(t);
    const ok = await upload(t, patient, conversation.id, pdf('big', 10 * MiB), 'big.pdf');
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(10 * MiB);
    const tooBig = await upload(t, patient, conversation.id, pdf('big', 10 * MiB + 1), 'bigger.pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('FILE_TOO_LARGE');
    expect(await rowsFor(conversation.id)).toBe(1);
  });

  it('serve byte ranges of a large PDF across chunk boundaries', async () => {
    const { patient, conversation } = await createPair(t);
    const big = pdf('range', 3 * MiB + 12345);
    for (let i = 100; i < big.length; i += 7919) big[i] = i % 251; // make positions distinguishable
    const up = await upload(t, patient, conversation.id, big, 'report.pdf');
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=1000000-', 1000000, big.length - 1],
      ['bytes=-500', big.length - 500, big.length - 1],
    ] as const) {
      const got = await download(t, patient, up.body.id, { range });
      expect(got.status).toBe(206);
      expect(got.headers.get('content-range')).toBe(`bytes ${start}-${end}/${big.length}`);
      expect(got.bytes.equals(big.subarray(start, end + 1))).toBe(true);
    }
    expect((await download(t, patient, up.body.id, { range: `bytes=${big.length}-` })).status).toBe(416);
  });

  it('never serve a stored file cut short: whole chunks missing from its end fail it', async () => {
    const { patient, conversation } = await createPair(t);
    const report = pdf('truncated', 300_000); // five chunks
    const up = await upload(t, patient, conversation.id, report, 'report.pdf');
    expect((await download(t, patient, up.body.id)).bytes.equals(report)).toBe(true);
    const { rows } = await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [up.body.id]);
    const key: string = rows[0].storage_key;
    // As a bad restore or a partial copy would leave it: the first two chunks, exactly.
    await truncate(path.join(attachmentsDir(), key.slice(0, 2), key), 2 * (64 * 1024 + 28));
    const whole = await download(t, patient, up.body.id);
    expect(whole.status).toBe(500);
    expect(whole.bytes.includes(report.subarray(0, 1000))).toBe(false);
    // What is still whole can still be read.
    const head = await download(t, patient, up.body.id, { range: 'bytes=0-99' });
    expect(head.status).toBe(206);
    expect(head.bytes.equals(report.subarray(0, 100))).toBe(true);
  });

  it('keep strangers out, keep unsent uploads private, let admins read with an audit row', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const denied = await upload(t, stranger, conversation.id, await cleanPng(), 'x.png');
    expect(denied.status).toBe(404);
    const up = await upload(t, patient, conversation.id, await cleanPng(), 'private.png');
    expect((await download(t, doctor, up.body.id)).status).toBe(404); // not sent yet
    expect((await download(t, stranger, up.body.id)).status).toBe(404);
    // Only the uploader may send it, and only into its own conversation.
    const byDoctor = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    expect(byDoctor.body.error.code).toBe('VALIDATION_FAILED');
    const other = await createPair(t);
    const elsewhere = await upload(t, other.patient, other.conversation.id, await cleanPng(), 'other.png');
    const wrongConv = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [elsewhere.body.id],
    });
    expect(wrongConv.body.error.code).toBe('VALIDATION_FAILED');
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'see photo',
      attachmentIds: [up.body.id],
    });
    expect(sent.status).toBe(201);
    expect((await download(t, doctor, up.body.id)).status).toBe(200);
    expect((await download(t, stranger, up.body.id)).status).toBe(404);
    const again = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    expect(again.body.error.code).toBe('VALIDATION_FAILED'); // already sent

    const admin = await createAdmin(t);
    expect((await download(t, admin, up.body.id)).status).toBe(200);
    const audit = await admin.api.get(`/api/admin/audit?actorId=${admin.id}&action=admin.attachments.download`);
    expect(audit.body.data[0]).toMatchObject({ conversationId: conversation.id, targetId: up.body.id });
  });

  it('keep an unsent upload its uploader’s alone (admins too); a file not yours answers as nonexistent', async () => {
    const { patient, conversation } = await createPair(t);
    const [stranger, admin] = await Promise.all([createPatient(t), createAdmin(t)]);
    const up = await upload(t, patient, conversation.id, await cleanPng(), 'unsent.png');
    expect(up.status).toBe(201);
    const answer = async (user: TestUser, id: string) => {
      const res = await fetch(`${t.url}/api/chat/attachments/${id}`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      return { status: res.status, body: await res.json() };
    };
    const none = await answer(stranger, crypto.randomUUID());
    expect(none).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: expect.any(String) } } });
    expect(await answer(admin, up.body.id)).toEqual(none);
    expect(await answer(stranger, up.body.id)).toEqual(none);
    expect((await download(t, patient, up.body.id)).status).toBe(200);
    // Once sent, it belongs to the conversation: admins read it (audited), strangers still see nothing.
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    expect(sent.status).toBe(201);
    expect((await download(t, admin, up.body.id)).status).toBe(200);
    expect(await answer(stranger, up.body.id)).toEqual(none);
  });

  it('remove bidi overrides and isolates from file names', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const up = await upload(t, patient, conversation.id, pdf(), 'invoice\u202Efdp\u2066.exe');
    expect(up.status).toBe(201);
    expect(up.body.fileName).toBe('invoicefdp.pdf');
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    expect(sent.body.attachments[0].fileName).toBe('invoicefdp.pdf');
    const got = await download(t, doctor, up.body.id);
    expect(got.headers.get('content-disposition')).not.toMatch(/%E2%80%AE|%E2%81%A6/i);
    expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''invoicefdp.pdf");
  });

  it('audit each download and preview by a participant, and refuse one whose audit row cannot be written', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const up = await upload(t, patient, conversation.id, await cleanPng(), 'rash on arm.png');
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    expect(sent.status).toBe(201);
    expect((await download(t, doctor, up.body.id)).status).toBe(200);
    expect((await download(t, doctor, up.body.id, {}, '/thumbnail')).status).toBe(200);
    expect((await download(t, doctor, up.body.id, { range: 'bytes=0-9' })).status).toBe(206);
    const rows = (await auditRowsOf(t.db, doctor.id)).filter((r) => r.action.startsWith('attachments.'));
    expect(rows.map((r) => [r.action, r.conversation_id, r.message_id, r.target_id])).toEqual([
      ['attachments.download', conversation.id, sent.body.id, up.body.id],
      ['attachments.thumbnail', conversation.id, sent.body.id, up.body.id],
      ['attachments.download', conversation.id, sent.body.id, up.body.id],
    ]);
    expect(rows[2]!.details).toEqual({ range: '0-9' });
    expect(JSON.stringify(rows)).not.toContain('rash');

    const undo = await refuseAuditRowsOf(t.db, doctor.id);
    try {
      for (const suffix of ['', '/thumbnail']) {
        const res = await download(t, doctor, up.body.id, {}, suffix);
        expect(res.status).toBe(500);
        expect(JSON.parse(res.bytes.toString()).error.code).toBe('INTERNAL');
      }
    } finally {
      await undo();
    }
    expect((await download(t, doctor, up.body.id)).status).toBe(200);
  });

  it('leave no byte of a file in clear under DATA_DIR or in the database', async () => {
    const { patient, conversation } = await createPair(t);
    const secret = `PATIENT-RECORD-${clientId()}`;
    const up = await upload(t, patient, conversation.id, pdf(secret), `${secret}.pdf`);
    expect(up.status).toBe(201);
    for (const file of await storedFiles(t.config.dataDir)) {
      expect(file.includes(Buffer.from(secret))).toBe(false);
      expect(file.includes(Buffer.from('%PDF-'))).toBe(false);
    }
    const { rows } = await t.db.query(`SELECT a::text AS row FROM attachments a WHERE conversation_id = $1`, [
      conversation.id,
    ]);
    expect(rows[0].row).not.toContain(secret);
    expect(rows[0].row).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('delete files with a message deleted for everyone, and unsent uploads after 24 hours', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const up = await upload(t, patient, conversation.id, await cleanPng(), 'gone.png');
    const sent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [up.body.id],
    });
    const filesBefore = (await storedFiles(attachmentsDir())).length;
    await patient.api.delete(`/api/chat/messages/${sent.body.id}?scope=everyone`);
    expect((await download(t, doctor, up.body.id)).status).toBe(404);
    expect((await storedFiles(attachmentsDir())).length).toBe(filesBefore - 2); // original and thumbnail

    const unsent = await upload(t, patient, conversation.id, await cleanPng(), 'forgotten.png');
    const fresh = await upload(t, patient, conversation.id, await cleanPng(), 'recent.png');
    await t.db.query(`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`, [unsent.body.id]);
    expect(await t.app.jobs.sweepUnsentUploads()).toBeGreaterThanOrEqual(2);
    expect((await download(t, patient, unsent.body.id)).status).toBe(404);
    expect((await download(t, patient, fresh.body.id)).status).toBe(200);
  });

  it('refuse a person’s 4th upload in flight as RATE_LIMITED (not another’s); slots free as uploads end', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const png = await cleanPng();
    const held = [0, 1, 2].map(() => heldUpload(t, patient, conversation.id, png));
    // Their headers and first bytes are written at once; a second is ample for the server
    // to have taken a slot for each.
    await new Promise((r) => setTimeout(r, 1000));
    const fourth = await upload(t, patient, conversation.id, png, 'fourth.png');
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('RATE_LIMITED');
    expect((await upload(t, doctor, conversation.id, png, 'doctor.png')).status).toBe(201);
    expect(await Promise.all(held.map((h) => h.finish()))).toEqual([201, 201, 201]);
    // Refused uploads give their slot back too.
    for (let i = 0; i < 4; i++)
      expect((await upload(t, patient, conversation.id, Buffer.from('MZ not an image'), 'x.png')).status).toBe(415);
    expect((await upload(t, patient, conversation.id, png, 'after.png')).status).toBe(201);
  });

  it('store a picture too large to preview without a preview, rather than decoding a gigabyte', async () => {
    const { patient, conversation } = await createPair(t);
    // 100.02 million pixels of black: a few hundred KB as a PNG, 300 MB once decoded.
    const huge = await sharp({ create: { width: 10_001, height: 10_001, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const up = await upload(t, patient, conversation.id, huge, 'huge.png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ width: 10_001, height: 10_001 });
    expect((await download(t, patient, up.body.id, {}, '/thumbnail')).status).toBe(404);
    expect((await download(t, patient, up.body.id)).bytes.equals(huge)).toBe(true);
  }, 60_000);

  it('refuse a sideways picture too big to turn upright (FILE_TOO_LARGE) before decoding; keep nothing', async () => {
    const { patient, conversation } = await createPair(t);
    // 256 million pixels marked as turned (EXIF orientation 6): 750 KB as a PNG, a gigabyte
    // once decoded, under sharp's own default limit.
    const sideways = await sidewaysPng(16_000, 16_000);
    const before = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM attachments WHERE uploader_id = $1', [
      patient.id,
    ]);
    const up = await upload(t, patient, conversation.id, sideways, 'sideways.png');
    expect(up.status).toBe(413);
    expect(up.body.error).toEqual({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('100 megapixels') });
    const after = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM attachments WHERE uploader_id = $1', [
      patient.id,
    ]);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  }, 60_000);

  it('hold pictures of more bytes a pixel to fewer pixels: 49-megapixel 16-bit RGBA is kept, no preview', async () => {
    const { patient, conversation } = await createPair(t);
    const deep = await sharp({
      create: { width: 7000, height: 7000, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .toColourspace('rgb16')
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const up = await upload(t, patient, conversation.id, deep, 'deep.png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ width: 7000, height: 7000 });
    expect((await download(t, patient, up.body.id, {}, '/thumbnail')).status).toBe(404);
  }, 60_000);

  it('fail closed with SCAN_UNAVAILABLE when clamd is stopped', async () => {
    const clamd = await startClamd(path.resolve('.test-data', `clamd-stop-${process.pid}-${Date.now()}`));
    const app = await startTestApp({ CLAMD_URL: clamd.url, CLAMD_TIMEOUT_MS: '3000' });
    try {
      const { patient, conversation } = await createPair(app);
      expect((await upload(app, patient, conversation.id, await cleanPng(), 'a.png')).status).toBe(201);
      await clamd.stop();
      const res = await upload(app, patient, conversation.id, await cleanPng(), 'b.png');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SCAN_UNAVAILABLE');
      const refused = await auditRowsOf(app.db, patient.id, 'attachments.upload');
      expect(refused.map((r) => [r.outcome, r.details?.reason ?? null])).toEqual([
        ['success', null],
        ['failure', 'scanner_unavailable'],
      ]);
      expect(
        await (
          await app.db.query(`SELECT count(*)::int AS n FROM attachments WHERE conversation_id = $1`, [conversation.id])
        ).rows[0].n,
      ).toBe(1);
    } finally {
      await app.close();
      await clamd.stop();
    }
  }, 90_000);
});
