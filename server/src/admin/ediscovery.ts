import { toFhirAuditEvent } from '../audit/audit-export.js';
import { trailBetween } from '../audit/audit-trail.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { Queryable } from '../db/pool.js';
import type { MessagesService } from '../messages/messages.service.js';
import { fhirBundleParts } from './fhir-export.js';

/** What the export reads through. */
export interface EDiscoverySources {
  db: Queryable;
  conversations: ConversationsService;
  messages: MessagesService;
  idleMs: number;
}

/** Chunks are written once this big: one per message would be thousands of tiny writes. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The person's conversations with a message sent in [from, to), oldest first: as the patient
 * or the doctor, a member of the care team now, or anyone who wrote in it in the range (a
 * team member since taken off the team).
 */
export async function conversationsInRange(db: Queryable, personId: string, from: Date, to: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT c.id FROM conversations c
      WHERE (c.patient_id = $1 OR c.doctor_id = $1
             OR EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = c.id AND cm.user_id = $1)
             OR EXISTS (SELECT 1 FROM messages s WHERE s.conversation_id = c.id AND s.sender_id = $1
                         AND s.created_at >= $2 AND s.created_at < $3))
        AND EXISTS (SELECT 1 FROM messages m
                     WHERE m.conversation_id = c.id AND m.created_at >= $2 AND m.created_at < $3)
      ORDER BY c.created_at, c.id`,
    [personId, from, to],
  );
  return rows.map((r) => r.id);
}

/**
 * The e-discovery file, written as it is read: one FHIR R4 Bundle (type collection) whose
 * entries are, per conversation, the conversation's own Bundle (as the per-conversation export
 * makes it, with only the messages sent in the range) followed by that conversation's audit
 * events in the range as FHIR AuditEvents. At most a page of messages or a batch of events is
 * held at a time, never the file.
 */
export async function* eDiscoveryFile(
  src: EDiscoverySources,
  personId: string,
  conversationIds: string[],
  range: { from: Date; to: Date },
  baseUrl: string,
): AsyncGenerator<string> {
  let buffered: string;
  let entries = 0;
  /** The next entry of the outer bundle, comma-separated from the one before. */
  const entry = (json: string) => `${entries++ ? ',' : ''}${json}`;
  const head = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    identifier: { system: 'urn:carechat:ediscovery', value: personId },
  };
  buffered = `${JSON.stringify(head).slice(0, -1)},"entry":[`;
  for (const id of conversationIds) {
    const conversation = await src.conversations.viewFor(null, id);
    if (!conversation) continue; // removed by retention since it was listed
    const parts = fhirBundleParts(conversation, baseUrl);
    buffered += entry(`{"fullUrl":"urn:carechat:conversation:${id}","resource":`);
    buffered += `${JSON.stringify(parts.frame).slice(0, -1)},"entry":[`;
    buffered += parts.people.map((p) => JSON.stringify(p)).join(',');
    for await (const page of src.messages.inRange(id, range.from, range.to)) {
      for (const m of page) buffered += ',' + JSON.stringify(parts.communication(m));
      if (buffered.length >= CHUNK_CHARS) {
        yield buffered;
        buffered = '';
      }
    }
    buffered += ']}}';
    const filters = { conversationId: id, from: range.from.toISOString(), to: range.to.toISOString() };
    for await (const row of trailBetween(src.db, filters, src.idleMs)) {
      buffered += entry(JSON.stringify({ fullUrl: `urn:carechat:audit:${row.id}`, resource: toFhirAuditEvent(row) }));
      if (buffered.length >= CHUNK_CHARS) {
        yield buffered;
        buffered = '';
      }
    }
  }
  yield buffered + ']}';
}
