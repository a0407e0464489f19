import { PREVIEW_LENGTH, type Message, type MessageVersion } from '@carechat/protocol';
import { decryptText, messageAad } from '../crypto/keyring.js';
import { joinedColumn } from '../db/rows.js';
import type { MessageRow, VersionRow } from './messages.store.js';
import { presentAttachment } from '../attachments/attachments.present.js';

export const DELETED_LABEL = 'Message deleted';
export const ATTACHMENT_LABEL = '📎 Attachment';

/** Decrypts a stored body; the AAD ties it to its conversation, message and version. */
export function decryptBody(
  key: Buffer,
  conversationId: string,
  messageId: string,
  version: number,
  body: Buffer,
): string {
  return decryptText(key, body, messageAad(conversationId, messageId, version));
}

/** What a list or a reply quote shows: the first characters of the text, or a label. */
export function previewOf(
  key: Buffer,
  m: { conversationId: string; id: string; version: number; body: Buffer | null; deletedAt: Date | null },
): string {
  if (m.deletedAt) return DELETED_LABEL;
  if (!m.body) return ATTACHMENT_LABEL;
  const text = decryptBody(key, m.conversationId, m.id, m.version, m.body);
  // Cut on code points, not UTF-16 units, so an emoji is never split in half.
  const chars = [...text];
  return chars.length > PREVIEW_LENGTH ? chars.slice(0, PREVIEW_LENGTH - 1).join('') + '…' : text;
}

/** The only place a message row becomes the protocol's `message`. */
export function presentMessage(key: Buffer, r: MessageRow): Message {
  const message: Message = {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    rev: r.rev,
    clientMessageId: r.client_message_id,
    senderId: r.sender_id,
    senderRole: r.sender_role,
    content: r.hidden || !r.body ? null : decryptBody(key, r.conversation_id, r.id, r.version, r.body),
    replyTo:
      r.reply_id === null
        ? null
        : {
            id: r.reply_id,
            seq: joinedColumn(r.reply_seq, 'reply_seq'),
            senderId: joinedColumn(r.reply_sender_id, 'reply_sender_id'),
            preview: previewOf(key, {
              conversationId: r.conversation_id,
              id: r.reply_id,
              version: joinedColumn(r.reply_version, 'reply_version'),
              body: r.reply_body,
              deletedAt: r.reply_deleted_at,
            }),
          },
    attachments:
      r.hidden || r.deleted_at
        ? []
        : r.attachments.map((a) =>
            presentAttachment(key, r.conversation_id, {
              ...a,
              fileName: Buffer.from(a.fileName, 'base64'),
              wrappedKey: Buffer.from(a.wrappedKey, 'base64'),
            }),
          ),
    reactions: r.hidden ? [] : r.reactions,
    createdAt: r.created_at.toISOString(),
    editedAt: r.edited_at?.toISOString() ?? null,
    deletedAt: r.deleted_at?.toISOString() ?? null,
  };
  if (r.hidden) message.hiddenForMe = true;
  if (r.ack_requested)
    message.acknowledgement = {
      acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
      acknowledgedBy: r.acknowledged_by,
    };
  if (r.urgent) message.urgent = true;
  return message;
}

/**
 * A message's earlier texts, oldest first, each marked by what replaced it: an edit, or for a
 * deleted message its last text, the deletion (that version is archived as the message is deleted).
 */
export function presentVersions(
  key: Buffer,
  m: Pick<MessageRow, 'id' | 'conversation_id' | 'version' | 'deleted_at'>,
  rows: VersionRow[],
): MessageVersion[] {
  return rows.map((v) => ({
    version: v.version,
    content: decryptBody(key, m.conversation_id, m.id, v.version, v.body),
    createdAt: v.created_at.toISOString(),
    replacedAt: v.replaced_at.toISOString(),
    replacedBy: m.deleted_at && v.version === m.version ? 'delete' : 'edit',
  }));
}
