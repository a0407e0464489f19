import type { Conversation, ConversationCounts, Participant, Reader } from '@carechat/protocol';
import type { Keyring } from '../crypto/keyring.js';
import { joinedColumn } from '../db/rows.js';
import { previewOf } from '../messages/messages.present.js';

/** What a conversation whose key was destroyed shows instead of a preview. */
const ERASED_LABEL = 'Message erased';
import type { ContactRow, ConversationRow } from './conversations.store.js';

/** What a list shows for a last message that does not decrypt (tampered or damaged at rest). */
const UNREADABLE_LABEL = 'Message unavailable';

/**
 * One damaged row must not take the whole conversation list down: its preview says so. The
 * message itself still fails loudly where it is opened.
 */
function safePreview(key: Buffer, m: Parameters<typeof previewOf>[1]): string {
  try {
    return previewOf(key, m);
  } catch {
    return UNREADABLE_LABEL;
  }
}

/** A person as a participant: a contact, a care-team member. */
export const presentPerson = (p: ContactRow, online: ReadonlySet<string>): Participant => ({
  id: p.id,
  name: p.name,
  role: p.role,
  online: online.has(p.id),
  lastSeenAt: p.last_seen_at?.toISOString() ?? null,
  designation: p.designation,
});

/** What a conversation's row does not hold, read for a whole page at once: its team and everyone else's watermarks. */
export interface ConversationPeople {
  careTeam: ContactRow[];
  readers: Reader[];
}

/**
 * The only place a conversation row becomes the protocol's `conversation`, for one viewer; or,
 * given `adminCounts`, for an admin: who and when and how much, with no preview, since an
 * admin reads content only in the transcript, where the read is audited with its reason.
 */
export function presentConversation(
  r: ConversationRow,
  { careTeam, readers }: ConversationPeople,
  keyring: Keyring,
  online: ReadonlySet<string>,
  adminCounts?: ConversationCounts,
): Conversation {
  const participant = (side: 'patient' | 'doctor'): Participant => ({
    id: r[`${side}_id`],
    name: r[`${side}_name`],
    role: r[`${side}_role`],
    online: online.has(r[`${side}_id`]),
    lastSeenAt: r[`${side}_last_seen_at`]?.toISOString() ?? null,
    designation: r[`${side}_designation`],
  });
  const showsContent = adminCounts === undefined;
  const key =
    showsContent && r.lm_id && r.wrapped_key
      ? keyring.dataKey(r.id, { wrappedKey: r.wrapped_key, keyVersion: r.key_version })
      : null;
  return {
    id: r.id,
    patient: participant('patient'),
    doctor: participant('doctor'),
    careTeam: careTeam.map((m) => presentPerson(m, online)),
    readers,
    lastMessage:
      showsContent && r.lm_id
        ? {
            id: r.lm_id,
            seq: joinedColumn(r.lm_seq, 'lm_seq'),
            senderId: joinedColumn(r.lm_sender_id, 'lm_sender_id'),
            preview: !key
              ? ERASED_LABEL
              : safePreview(key, {
                  conversationId: r.id,
                  id: r.lm_id,
                  version: joinedColumn(r.lm_version, 'lm_version'),
                  body: r.lm_body,
                  deletedAt: r.lm_deleted_at,
                }),
            createdAt: joinedColumn(r.lm_created_at, 'lm_created_at').toISOString(),
          }
        : null,
    lastMessageAt: r.last_message_at?.toISOString() ?? null,
    lastSeq: r.last_seq,
    lastRev: r.last_rev,
    unreadCount: r.unread_count,
    lastReadSeq: r.my_last_read_seq,
    peerLastReadSeq: r.peer_last_read_seq,
    peerLastDeliveredSeq: r.peer_last_delivered_seq,
    archived: r.my_archived,
    createdAt: r.created_at.toISOString(),
    canMessage: r.write_refusal === null,
    urgentAt: r.urgent_at?.toISOString() ?? null,
    waitingSince: r.waiting_since?.toISOString() ?? null,
    assignee: r.assignee_id
      ? presentPerson(
          {
            id: r.assignee_id,
            name: joinedColumn(r.assignee_name, 'assignee_name'),
            role: joinedColumn(r.assignee_role, 'assignee_role'),
            designation: r.assignee_designation,
            last_seen_at: r.assignee_last_seen_at,
          },
          online,
        )
      : null,
    ...(adminCounts
      ? {
          counts: adminCounts,
          adminState: {
            legalHold: r.legal_hold,
            shreddedAt: r.shredded_at?.toISOString() ?? null,
            patientStatus: r.patient_status,
            doctorStatus: r.doctor_status,
          },
        }
      : {}),
  };
}
