import { randomUUID } from 'node:crypto';
import type { Conversation, Message } from '@carechat/protocol';

const IDENTIFIER_SYSTEM = 'urn:carechat:user-id';

/**
 * A conversation as a FHIR R4 `Bundle` (type collection) of `Communication` resources for the
 * medical record. People appear once as `Patient` / `Practitioner` entries; every reference
 * is a `urn:uuid:` that resolves inside the bundle (host ids are kept as identifiers, since
 * they need not fit FHIR's id syntax). Receipts are kept as watermarks, not per message, so
 * `received` is left out rather than guessed.
 */
export function toFhirBundle(conversation: Conversation, messages: Message[], baseUrl: string) {
  const parts = fhirBundleParts(conversation, baseUrl);
  return { ...parts.frame, entry: [...parts.people, ...messages.map(parts.communication)] };
}

/**
 * A conversation's bundle in parts, for writing it out a page of messages at a time (the
 * e-discovery export): its frame without entries, its people, and each message's entry.
 * `communication` must see messages oldest first, so a reply finds what it answers.
 */
export function fhirBundleParts(conversation: Conversation, baseUrl: string) {
  const people = new Map<string, { fullUrl: string; resource: Record<string, unknown> }>();
  for (const [p, type] of [
    [conversation.patient, 'Patient'],
    [conversation.doctor, 'Practitioner'],
  ] as const)
    people.set(p.id, {
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: {
        resourceType: type,
        identifier: [{ system: IDENTIFIER_SYSTEM, value: p.id }],
        name: [{ text: p.name }],
      },
    });
  const ref = (userId: string) => {
    const person = people.get(userId);
    if (!person) throw new Error('toFhirBundle: a message names someone outside the conversation');
    return { reference: person.fullUrl };
  };
  const urlOf = (messageId: string) => `urn:uuid:${messageId}`;
  const exported = new Set<string>();
  const communication = (m: Message) => {
    exported.add(m.id);
    const recipient = m.senderId === conversation.patient.id ? conversation.doctor.id : conversation.patient.id;
    const payload = [
      ...(m.content ? [{ contentString: m.content }] : []),
      ...m.attachments.map((a) => ({
        contentAttachment: {
          contentType: a.mimeType,
          title: a.fileName,
          size: a.size,
          url: `${baseUrl}/api/chat/attachments/${a.id}`,
        },
      })),
    ];
    return {
      fullUrl: urlOf(m.id),
      resource: {
        resourceType: 'Communication',
        id: m.id,
        identifier: [{ system: 'urn:carechat:message', value: `${conversation.id}/${m.seq}` }],
        // A message deleted for everyone stays in the record as withdrawn, without content.
        status: m.deletedAt ? 'entered-in-error' : 'completed',
        subject: ref(conversation.patient.id),
        sender: ref(m.senderId),
        recipient: [ref(recipient)],
        sent: m.createdAt,
        ...(m.replyTo && exported.has(m.replyTo.id) ? { inResponseTo: [{ reference: urlOf(m.replyTo.id) }] } : {}),
        ...(payload.length ? { payload } : {}),
      },
    };
  };
  return {
    frame: {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: new Date().toISOString(),
      identifier: { system: 'urn:carechat:conversation', value: conversation.id },
    },
    people: [...people.values()],
    communication,
  };
}
