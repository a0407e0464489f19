import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Attachment } from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { seal } from '../crypto/aead.js';
import { assertCanWrite, assertParticipant, dataKeyOf, isParticipant } from '../conversations/access.js';
import { findConversationAccess, type ConversationAccessRow } from '../conversations/conversations.store.js';
import { AppError, notFound } from '../errors.js';
import { findAttachment, insertAttachment, takeStaleUploads, type AttachmentRow } from './attachments.store.js';
import { fileAad, fileKeyAad, fileNameAad, presentAttachment, unwrapFileKey } from './attachments.present.js';
import { ScanUnavailableError, type ClamdScanner } from './clamd.js';
import { CHUNK_SIZE, openChunks, sealedRange, sealFile } from './file-crypto.js';
import { safeFileName } from './file-name.js';
import { sniffType } from './file-type.js';
import { MAX_IMAGE_PIXELS } from './image-decode.js';
import { BadImageError, ImageTooLargeError, sanitizeImage } from './sanitize.js';
import type { BlobStorage } from './storage.js';
import { makeThumbnail } from './thumbnail.js';
import { SlotsPerPerson } from '../limits/slots.js';
import { WorkQueue } from './upload-limits.js';

/** Chunks decrypted per read while streaming a download: 1 MiB at a time. */
const CHUNKS_PER_READ = 16;
export const UNSENT_TTL_MS = 24 * 60 * 60 * 1000;

export interface Download {
  attachment: AttachmentRow;
  fileName: string;
  mime: string;
  size: number;
  range: { start: number; end: number } | null;
  body: Readable;
}

/**
 * Upload: participant check → type by content → ClamAV → metadata stripped → encrypted →
 * stored → row. A refusal at any step leaves nothing on disk or in the database.
 */
export class AttachmentsService {
  private readonly slots: SlotsPerPerson;
  /** Image decoding and PDF rendering, a core each. */
  private readonly imageWork = new WorkQueue();

  constructor(
    private readonly deps: Deps,
    private readonly storage: BlobStorage,
    private readonly scanner: ClamdScanner,
  ) {
    this.slots = new SlotsPerPerson(
      deps.config.uploadsInFlightPerUser,
      (n) => `At most ${n} uploads at a time; wait for one to finish`,
    );
  }

  /** Takes one of the actor's upload slots before the body is read; throws RATE_LIMITED when none is free. */
  beginUpload(actor: Actor): () => void {
    return this.slots.take(actor.id);
  }

  async authorizeUpload(actor: Actor, conversationId: string): Promise<ConversationAccessRow> {
    const conv = await findConversationAccess(this.deps.db, conversationId);
    assertParticipant(conv, actor);
    assertCanWrite(conv);
    return conv;
  }

  async upload(
    actor: Actor,
    conv: ConversationAccessRow,
    originalName: string | undefined,
    data: Buffer,
  ): Promise<Attachment> {
    const mime = sniffType(data.subarray(0, 16));
    if (!mime) throw new AppError('UNSUPPORTED_FILE_TYPE', 'Only JPEG, PNG and PDF files can be sent');
    await this.scan(actor, conv, data);

    let content = data;
    let width: number | null = null;
    let height: number | null = null;
    if (mime !== 'application/pdf') {
      try {
        ({ data: content, width, height } = await this.imageWork.run(() => sanitizeImage(data, mime)));
      } catch (err) {
        if (err instanceof BadImageError)
          throw new AppError(
            'UNSUPPORTED_FILE_TYPE',
            `The file is not a readable ${mime === 'image/png' ? 'PNG' : 'JPEG'} image`,
          );
        if (err instanceof ImageTooLargeError)
          throw new AppError(
            'FILE_TOO_LARGE',
            `A sideways picture can be turned upright up to ${MAX_IMAGE_PIXELS / 1e6} megapixels; this one is larger`,
          );
        throw err;
      }
    }
    const thumbnail = await this.imageWork.run(() => makeThumbnail(content, mime)).catch(() => null);

    const id = randomUUID();
    const fileKey = randomBytes(32);
    const dataKey = dataKeyOf(this.deps.keyring, conv);
    const storageKey = id;
    const thumbnailKey = thumbnail ? `${id}.thumb` : null;
    await this.storage.put(storageKey, sealFile(fileKey, content, fileAad(id, 'original')));
    try {
      if (thumbnail && thumbnailKey)
        await this.storage.put(thumbnailKey, sealFile(fileKey, thumbnail.data, fileAad(id, 'thumbnail')));
      const row = await insertAttachment(this.deps.db, {
        id,
        conversation_id: conv.id,
        uploader_id: actor.id,
        file_name: seal(fileKey, Buffer.from(safeFileName(originalName, mime), 'utf8'), fileNameAad(id)),
        mime_type: mime,
        size: content.length,
        width,
        height,
        scan_status: 'CLEAN',
        wrapped_key: seal(dataKey, fileKey, fileKeyAad(conv.id, id)),
        storage_key: storageKey,
        thumbnail_key: thumbnailKey,
        thumbnail_mime: thumbnail?.mime ?? null,
        thumbnail_size: thumbnail?.data.length ?? null,
      });
      await audit(this.deps.db, actor, {
        action: 'attachments.upload',
        outcome: 'success',
        conversationId: conv.id,
        targetId: id,
      });
      return this.present(conv, row);
    } catch (err) {
      await this.removeBlobs([storageKey, thumbnailKey].filter((k): k is string => k !== null));
      throw err;
    }
  }

  /** The original bytes (or a range of them), for participants and admins; every download audited. */
  async download(
    actor: Actor,
    id: string,
    rangeHeader: string | undefined,
    kind: 'original' | 'thumbnail' = 'original',
  ): Promise<Download> {
    const { attachment, conv } = await this.readable(actor, id);
    const storageKey = kind === 'original' ? attachment.storage_key : attachment.thumbnail_key;
    const mime = kind === 'original' ? attachment.mime_type : attachment.thumbnail_mime;
    // A thumbnail's key and type are stored together: both or neither.
    if (!storageKey || !mime) throw notFound('This file has no preview');
    const size = Number(kind === 'original' ? attachment.size : attachment.thumbnail_size);
    const range = kind === 'original' ? parseRange(rangeHeader, size) : null;
    await audit(this.deps.db, actor, {
      action: `${actor.role === 'ADMIN' ? 'admin.' : ''}attachments.${kind === 'original' ? 'download' : 'thumbnail'}`,
      outcome: 'success',
      conversationId: conv.id,
      messageId: attachment.message_id,
      targetId: id,
      details: range ? { range: `${range.start}-${range.end}` } : null,
    });
    const fileKey = unwrapFileKey(dataKeyOf(this.deps.keyring, conv), conv.id, {
      id,
      wrappedKey: attachment.wrapped_key,
    });
    const view = this.present(conv, attachment);
    // The first part is opened before any header goes out: a file that fails its check is an
    // error response, not a 200 whose body breaks off.
    const parts = this.decrypted(
      fileKey,
      storageKey,
      fileAad(id, kind),
      size,
      range?.start ?? 0,
      range?.end ?? size - 1,
    );
    const first = await parts.next();
    return {
      attachment,
      fileName: view.fileName,
      mime,
      size,
      range,
      body: Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* parts;
        })(),
      ),
    };
  }

  /** Deletes stored bytes; a failure is logged, not thrown: the rows are already gone. */
  async removeBlobs(keys: string[]): Promise<void> {
    for (const key of keys)
      await this.storage
        .delete(key)
        .catch((err: unknown) =>
          this.deps.log.warn({ err: { message: (err as Error).message } }, 'could not delete an attachment file'),
        );
  }

  /** Uploads never sent within 24 hours are removed. */
  async sweepUnsent(maxAgeMs = UNSENT_TTL_MS): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = await takeStaleUploads(this.deps.db, maxAgeMs);
      await this.removeBlobs(keys);
      removed += keys.length;
      if (keys.length === 0) return removed;
    }
  }

  private async scan(actor: Actor, conv: ConversationAccessRow, data: Buffer): Promise<void> {
    let verdict;
    try {
      verdict = await this.scanner.scan(data);
    } catch (err) {
      if (!(err instanceof ScanUnavailableError)) throw err;
      this.deps.log.error({ err: { message: err.message } }, 'virus scanner unavailable; upload refused');
      // A refusal for want of a scan is on the trail like one for a finding: someone tried to send a file.
      await audit(this.deps.db, actor, {
        action: 'attachments.upload',
        outcome: 'failure',
        conversationId: conv.id,
        details: { reason: 'scanner_unavailable' },
      });
      throw new AppError('SCAN_UNAVAILABLE', 'The virus scanner is unavailable; nothing was stored. Try again later');
    }
    if (!verdict.clean) {
      await audit(this.deps.db, actor, {
        action: 'attachments.upload',
        outcome: 'denied',
        conversationId: conv.id,
        details: { reason: 'infected', signature: verdict.signature },
      });
      throw new AppError('FILE_INFECTED', 'The virus scanner flagged this file; nothing was stored');
    }
  }

  private async readable(
    actor: Actor,
    id: string,
  ): Promise<{ attachment: AttachmentRow; conv: ConversationAccessRow }> {
    const attachment = await findAttachment(this.deps.db, id);
    const conv = attachment ? await findConversationAccess(this.deps.db, attachment.conversation_id) : null;
    // A file that exists but is not the caller's answers exactly as one that does not exist.
    const missing = () => notFound('No such file');
    if (!attachment || !conv || attachment.scan_status !== 'CLEAN') throw missing();
    // Until it is sent, an upload is its uploader's alone: an admin's too.
    if (attachment.message_id === null && attachment.uploader_id !== actor.id) throw missing();
    if (actor.role !== 'ADMIN' && !isParticipant(conv, actor)) throw missing();
    return { attachment, conv };
  }

  private present(conv: ConversationAccessRow, a: AttachmentRow): Attachment {
    return presentAttachment(dataKeyOf(this.deps.keyring, conv), conv.id, {
      id: a.id,
      fileName: a.file_name,
      wrappedKey: a.wrapped_key,
      mimeType: a.mime_type,
      size: a.size,
      width: a.width,
      height: a.height,
      scanStatus: a.scan_status,
    });
  }

  private async *decrypted(fileKey: Buffer, storageKey: string, aad: string, size: number, start: number, end: number) {
    if (size === 0) return;
    const span = sealedRange(size, start, end);
    for (let chunk = span.first; chunk <= span.last; chunk += CHUNKS_PER_READ) {
      const upTo = Math.min(span.last, chunk + CHUNKS_PER_READ - 1);
      const part = sealedRange(size, chunk * CHUNK_SIZE, Math.min(size - 1, (upTo + 1) * CHUNK_SIZE - 1));
      const sealed = await this.storage.read(storageKey, part.from, part.to);
      // Storage returns what it has: whole chunks missing from the end would otherwise pass
      // unnoticed, the last one's AAD never checked.
      if (sealed.length !== part.to - part.from + 1) throw new Error('a stored attachment is shorter than its record');
      const plain = openChunks(fileKey, sealed, aad, chunk, span.total);
      const offset = chunk * CHUNK_SIZE;
      yield plain.subarray(Math.max(0, start - offset), Math.min(plain.length, end - offset + 1));
    }
  }
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else is served whole. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) throw new RangeNotSatisfiableError(size);
  return { start, end };
}

/** Answered with 416 and `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiableError extends Error {
  constructor(readonly size: number) {
    super('range not satisfiable');
  }
}
