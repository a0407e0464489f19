import { withoutBidiControls, type Attachment } from '@carechat/protocol';
import { open } from '../crypto/aead.js';

/** The AADs that bind an attachment's key and name to it and its conversation. */
export const fileKeyAad = (conversationId: string, id: string) => `file-key:${conversationId}:${id}`;
export const fileNameAad = (id: string) => `file-name:${id}`;
export const fileAad = (id: string, kind: 'original' | 'thumbnail') => `file:${id}:${kind}`;

export interface AttachmentFields {
  id: string;
  fileName: Buffer;
  wrappedKey: Buffer;
  mimeType: Attachment['mimeType'];
  size: number;
  width: number | null;
  height: number | null;
  scanStatus: Attachment['scanStatus'];
}

export function unwrapFileKey(dataKey: Buffer, conversationId: string, a: { id: string; wrappedKey: Buffer }): Buffer {
  return open(dataKey, a.wrappedKey, fileKeyAad(conversationId, a.id));
}

/** The only place an attachment row becomes the protocol's `attachment`. */
export function presentAttachment(dataKey: Buffer, conversationId: string, a: AttachmentFields): Attachment {
  const fileKey = unwrapFileKey(dataKey, conversationId, a);
  const out: Attachment = {
    id: a.id,
    // Names stored before bidi controls were removed on upload lose them here.
    fileName: withoutBidiControls(open(fileKey, a.fileName, fileNameAad(a.id)).toString('utf8')),
    mimeType: a.mimeType,
    size: Number(a.size),
    scanStatus: a.scanStatus,
  };
  if (a.width !== null) out.width = a.width;
  if (a.height !== null) out.height = a.height;
  return out;
}
