import { AttachmentSchema, ErrorResponseSchema, IdParam, MAX_ATTACHMENT_BYTES } from '@carechat/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConversationAccessRow } from '../conversations/conversations.store.js';
import { AttachmentUpload, Bytes } from '../docs/extension-shapes.js';
import { documented, json, type RouteDocs } from '../docs/route-docs.js';
import { AppError } from '../errors.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import { RangeNotSatisfiableError, type AttachmentsService } from './attachments.service.js';
import { contentDisposition } from './file-name.js';

const tooLarge = () => new AppError('FILE_TOO_LARGE', 'Files can be at most 10 MiB');
const doc = documented('attachments');

export function registerAttachmentRoutes(
  app: FastifyInstance,
  attachments: AttachmentsService,
  authenticate: Authenticate,
): void {
  const user = { onRequest: authenticate() };

  const upload = doc({
    summary: 'Upload a file into a conversation (JPEG, PNG or PDF by content, at most 10 MiB)',
    description:
      'Scanned for malware before anything is stored; send the `conversationId` field before the file. ' +
      'A person may have 3 uploads in progress at once (`UPLOADS_IN_FLIGHT_PER_USER`).',
    body: { 'multipart/form-data': AttachmentUpload },
    answers: {
      201: { description: 'The stored, clean attachment; send it with a message', content: json(AttachmentSchema) },
    },
    errors: [
      'NOT_FOUND',
      'NO_APPOINTMENT',
      'USER_BLOCKED',
      'FILE_TOO_LARGE',
      'UNSUPPORTED_FILE_TYPE',
      'FILE_INFECTED',
      'SCAN_UNAVAILABLE',
      'RATE_LIMITED',
    ],
  });
  app.post('/api/chat/attachments', { ...user, ...upload }, async (req, reply) => {
    if (!req.isMultipart())
      throw new AppError('VALIDATION_FAILED', 'body: must be multipart/form-data with conversationId and file');
    const actor = actorOf(req);
    const release = attachments.beginUpload(actor);
    try {
      let conv: ConversationAccessRow | null = null;
      let file: { name: string | undefined; data: Buffer } | null = null;
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (part.fieldname !== 'conversationId') continue;
          const { id } = parse(IdParam, { id: part.value });
          // Checked as soon as the field arrives, before a byte of the file is read.
          conv = await attachments.authorizeUpload(actor, id);
        } else {
          if (file) throw new AppError('VALIDATION_FAILED', 'file: one file per upload');
          file = { name: part.filename, data: await readLimited(part.file) };
        }
      }
      if (!conv) throw new AppError('VALIDATION_FAILED', 'conversationId: required');
      if (!file) throw new AppError('VALIDATION_FAILED', 'file: required');
      const attachment = await attachments.upload(actor, conv, file.name, file.data);
      return reply.status(201).send(attachment);
    } finally {
      release();
    }
  });

  const serve = serveAttachment(attachments);
  const original = doc(ORIGINAL_DOCS);
  app.get('/api/chat/attachments/:id', { ...user, ...original }, serve('original'));
  const thumbnail = doc(THUMBNAIL_DOCS);
  app.get('/api/chat/attachments/:id/thumbnail', { ...user, ...thumbnail }, serve('thumbnail'));
}

/** A file's bytes, or its preview, as a handler: the participants' route and the admins' serve them alike. */
export const serveAttachment =
  (attachments: AttachmentsService) =>
  (kind: 'original' | 'thumbnail') =>
  async (req: FastifyRequest, reply: FastifyReply) => {
    const { id } = parse(IdParam, req.params);
    try {
      const file = await attachments.download(actorOf(req), id, req.headers.range, kind);
      void reply
        .header('Content-Type', file.mime)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'private, no-store')
        .header('Cross-Origin-Resource-Policy', 'same-origin');
      if (kind === 'thumbnail')
        return reply
          .header('Content-Disposition', contentDisposition('inline', `preview-${file.fileName}`))
          .header('Content-Length', file.size)
          .send(file.body);
      void reply
        .header('Content-Disposition', contentDisposition('attachment', file.fileName))
        .header('Accept-Ranges', 'bytes');
      if (!file.range) return reply.header('Content-Length', file.size).send(file.body);
      return reply
        .status(206)
        .header('Content-Range', `bytes ${file.range.start}-${file.range.end}/${file.size}`)
        .header('Content-Length', file.range.end - file.range.start + 1)
        .send(file.body);
    } catch (err) {
      if (!(err instanceof RangeNotSatisfiableError)) throw err;
      return reply
        .status(416)
        .header('Content-Range', `bytes */${err.size}`)
        .send({ error: { code: 'VALIDATION_FAILED', message: 'Range: not satisfiable' } });
    }
  };

/** What the API document says of a download; `serveAttachment`'s routes share it. */
export const ORIGINAL_DOCS = {
  summary: 'Download the original file',
  params: IdParam,
  description:
    'Sent as `Content-Disposition: attachment` with `X-Content-Type-Options: nosniff`; ' +
    '`Range` requests are answered 206.',
  answers: {
    200: { description: 'The file', content: { 'application/octet-stream': Bytes } },
    206: { description: 'The requested byte range', content: { 'application/octet-stream': Bytes } },
    416: { description: 'VALIDATION_FAILED: the range is not satisfiable', content: json(ErrorResponseSchema) },
  },
  errors: ['NOT_FOUND'],
} satisfies Omit<RouteDocs, 'tag'>;

export const THUMBNAIL_DOCS = {
  summary: 'A small JPEG or PNG preview of an image or PDF',
  params: IdParam,
  answers: { 200: { description: 'The preview', content: { 'image/jpeg': Bytes, 'image/png': Bytes } } },
  errors: ['NOT_FOUND'],
} satisfies Omit<RouteDocs, 'tag'>;

/** Reads one uploaded file into memory, refusing at 10 MiB + 1 byte without reading on. */
async function readLimited(stream: NodeJS.ReadableStream & { truncated?: boolean }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ATTACHMENT_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  }
  if (stream.truncated) throw tooLarge();
  return Buffer.concat(chunks);
}
