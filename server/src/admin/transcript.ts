import type { TranscriptPage, TranscriptQuery } from '@carechat/protocol';
import { auditRecord } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { dataKeyOf } from '../conversations/access.js';
import { findConversationAccess } from '../conversations/conversations.store.js';
import { notFound } from '../errors.js';
import { presentMessage, presentVersions } from '../messages/messages.present.js';
import { findFirstSeqAt, findMessagePage, findVersionsOf } from '../messages/messages.store.js';
import { presentAttachment } from '../attachments/attachments.present.js';
import { findRemovedAttachments } from '../attachments/attachments.store.js';

/**
 * A page of an admin's transcript: every message, whoever hid it for themself; a deleted one
 * with the text it had, an edited one with each earlier text. The read's audit row (with the
 * admin's reason) is written by the page's own statement, so nothing is shown unrecorded.
 */
export async function readTranscript(
  deps: Pick<Deps, 'db' | 'keyring'>,
  actor: Actor,
  conversationId: string,
  q: TranscriptQuery,
): Promise<TranscriptPage> {
  const conv = await findConversationAccess(deps.db, conversationId);
  if (!conv) throw notFound('No such conversation');
  // A jump to a time reads forward from its first message; past the last one, the newest page.
  const start = q.at === undefined ? undefined : await findFirstSeqAt(deps.db, conv.id, q.at);
  const after = start === undefined ? q.after : start === null ? undefined : start - 1;
  const { rows, hasMore } = await findMessagePage(
    deps.db,
    null,
    conv.id,
    { before: q.before, after, limit: q.limit },
    auditRecord(actor, {
      action: 'admin.messages.read',
      outcome: 'success',
      conversationId: conv.id,
      details: { before: q.before ?? null, after: after ?? null, at: q.at ?? null },
    }),
  );
  const key = dataKeyOf(deps.keyring, conv);
  const ids = rows.map((r) => r.id);
  const [versionRows, removedRows] = await Promise.all([
    findVersionsOf(deps.db, ids),
    findRemovedAttachments(
      deps.db,
      rows.filter((r) => r.deleted_at).map((r) => r.id),
    ),
  ]);
  const versions = groupBy(versionRows, (v) => v.message_id);
  const removed = groupBy(removedRows, (a) => a.messageId);
  return {
    data: rows.map((r) => ({
      ...presentMessage(key, r),
      versions: presentVersions(key, r, versions.get(r.id) ?? []),
      removedAttachments: (removed.get(r.id) ?? []).map((a) => presentAttachment(key, conv.id, a)),
    })),
    hasMore,
  };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}
