import { z } from 'zod';
import { isSingleEmoji } from './emoji.js';
import { identifier, text, wellFormedText } from './text.js';
import {
  DEFAULT_CHANGES_PAGE_SIZE,
  DEFAULT_CONVERSATION_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SEARCH_PAGE_SIZE,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_BATCH_ITEMS,
  MAX_CARE_TEAM,
  MAX_CHANGES_PAGE_SIZE,
  MAX_CLIENT_MESSAGE_ID_LENGTH,
  MAX_EXTERNAL_ID_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_PAGE_SIZE,
  MAX_SAVED_REPLIES,
  MAX_SAVED_REPLY_NAME_LENGTH,
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_PAGE_SIZE,
} from './limits.js';
import { ROLES } from './roles.js';
import { searchTerms } from './search.js';

/** The schemas every input is parsed with, on the server and (for forms) in the web app. */
const uuid = z.uuid();
/**
 * A whole number, as JSON writes it or a query string spells it: digits only, so "", " 7",
 * "1e3" and "0x10" are refused instead of being read as 0, 7, 1000 and 16.
 */
const wholeNumber = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,16}$/, 'must be a whole number')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
const seq = wholeNumber(0, 2_147_483_647);
const rev = wholeNumber(0, Number.MAX_SAFE_INTEGER);
const externalId = identifier(MAX_EXTERNAL_ID_LENGTH);
const clientMessageId = identifier(MAX_CLIENT_MESSAGE_ID_LENGTH);
const limit = (def: number, max: number) => wholeNumber(1, max).default(def);
/** What people search for by name. */
const search = text(0, 100).optional();
/** A person's name as the host platform gives it. */
const personName = text(1, 200);
const email = text(0, 320).toLowerCase();
const [EARLIEST, LATEST] = [Date.parse('0001-01-01T00:00:00Z'), Date.parse('9999-12-31T23:59:59.999Z')];
/**
 * An ISO-8601 time with its offset, on a real calendar day in years 1 to 9999 (UTC): zod alone
 * lets year 0 through, which PostgreSQL refuses.
 */
export const Instant = z.iso.datetime({ offset: true }).refine((v) => {
  const at = Date.parse(v);
  return at >= EARLIEST && at <= LATEST;
}, 'must be a time between the years 1 and 9999');
/** Query strings carry booleans as text. */
const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Message text: lone surrogates replaced, trimmed, 1 to 5000 characters (stored encrypted, so NUL is kept). */
export const MessageContent = wellFormedText(1, MAX_MESSAGE_LENGTH);

export const Emoji = z.string().refine(isSingleEmoji, 'must be a single emoji');

export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(1024),
  /** The 6-digit TOTP code, for accounts with a second factor. */
  totp: z.string().trim().max(16).optional(),
  /** A one-time recovery code instead of a TOTP code. */
  recoveryCode: z.string().trim().max(64).optional(),
});

export const MfaCodeInput = z.object({ code: z.string().trim().min(6).max(16) });

export const ConversationCreateInput = z.object({ participantId: externalId });

export const ConversationListQuery = z.object({
  q: search,
  archived: queryBoolean.default(false),
  cursor: z.string().min(1).max(200).optional(),
  limit: limit(DEFAULT_CONVERSATION_PAGE_SIZE, MAX_PAGE_SIZE),
  /**
   * Extension (triage), clinicians only: just the conversations whose patient waits for a reply,
   * longest waiting first. Its cursors are its own: a cursor of the other order is refused.
   */
  needsReply: queryBoolean.default(false),
});

export const ConversationPatchInput = z.object({ archived: z.boolean() });

export const ContactsQuery = z.object({ q: search });

export const MessagePageQuery = z
  .object({ before: seq.optional(), after: seq.optional(), limit: limit(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) })
  .refine((v) => v.before === undefined || v.after === undefined, 'give before or after, not both');

/**
 * Extension: an admin's transcript page: `before` or `after` a seq as for participants, or
 * `at` a time, the page that starts with the first message sent at or after it (the newest
 * page when none was).
 */
export const TranscriptQuery = z
  .object({
    before: seq.optional(),
    after: seq.optional(),
    at: Instant.optional(),
    limit: limit(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  })
  .refine(
    (v) => [v.before, v.after, v.at].filter((x) => x !== undefined).length <= 1,
    'give one of before, after and at',
  );

/**
 * Extension: words to find in one conversation's messages, newest first; `before` (a seq) pages
 * on to older hits. A query with no letter or digit finds nothing, so it is refused.
 */
export const MessageSearchQuery = z.object({
  q: text(1, MAX_SEARCH_LENGTH).refine((q) => searchTerms(q).length > 0, 'must hold a letter or digit'),
  before: seq.optional(),
  limit: limit(DEFAULT_SEARCH_PAGE_SIZE, MAX_SEARCH_PAGE_SIZE),
});

export const ChangesQuery = z.object({ since: rev, limit: limit(DEFAULT_CHANGES_PAGE_SIZE, MAX_CHANGES_PAGE_SIZE) });

/** What a new message holds, wherever the conversation is named; its clientMessageId makes retries idempotent. */
const messageFields = {
  clientMessageId,
  content: MessageContent.optional(),
  replyToId: uuid.optional(),
  attachmentIds: z.array(uuid).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  /** Extension: a clinician asks the patient to confirm they read it (a patient asking is FORBIDDEN). */
  requestAck: z.boolean().optional(),
  /** Extension: a patient marks their message urgent (a clinician doing so is FORBIDDEN). */
  urgent: z.boolean().optional(),
};
/** A message must say something: text, files, or both. */
const hasContentOrAttachments = (v: { content?: string | undefined; attachmentIds?: string[] | undefined }) =>
  v.content !== undefined || (v.attachmentIds?.length ?? 0) > 0;
const NEEDS_CONTENT = { message: 'a message needs content or attachments', path: ['content'] };

/** A new message over the socket. */
export const MessageSendInput = z
  .object({ conversationId: uuid, ...messageFields })
  .refine(hasContentOrAttachments, NEEDS_CONTENT);

/** The REST send: the conversation comes from the path. */
export const MessageSendBody = z.object(messageFields).refine(hasContentOrAttachments, NEEDS_CONTENT);

export const MessageEditInput = z.object({ messageId: uuid, content: MessageContent });
export const MessageDeleteInput = z.object({ messageId: uuid, scope: z.enum(['self', 'everyone']) });
export const MessageReactInput = z.object({ messageId: uuid, emoji: Emoji, on: z.boolean() });
/** Extension: the patient's "I have read this" on a message that asked for it. */
export const AcknowledgeInput = z.object({ messageId: uuid });
export const ReceiptInput = z.object({ conversationId: uuid, upToSeq: seq });
export const ReadBody = z.object({ upToSeq: seq });
export const ConversationRef = z.object({ conversationId: uuid });

/** Extension (triage): who of the care side handles the conversation; null, nobody. */
export const ConversationAssigneeInput = z.object({ userId: externalId.nullable() });

/** Extension (triage): the `conversation:assign` event, `ConversationAssigneeInput` with its conversation. */
export const ConversationAssignInput = ConversationAssigneeInput.extend({ conversationId: uuid });
export const IdParam = z.object({ id: uuid });
export const ExternalIdParam = z.object({ id: externalId });
export const DeleteScopeQuery = z.object({ scope: z.enum(['self', 'everyone']) });
export const ReactionParams = z.object({ id: uuid, emoji: Emoji });

export const AdminConversationQuery = z.object({
  q: search,
  cursor: z.string().min(1).max(200).optional(),
  limit: limit(DEFAULT_CONVERSATION_PAGE_SIZE, MAX_PAGE_SIZE),
});

/** What narrows the audit trail, for its page and its export alike. */
const AuditFilters = z.object({
  /** One person's events (the console finds the id by name: `/api/admin/people?q=`). */
  actorId: externalId.optional(),
  conversationId: uuid.optional(),
  /** One of `AUDIT_ACTIONS`, or any action a newer server writes. */
  action: text(1, 100).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});

export const AuditQuery = AuditFilters.extend({
  /** The `nextCursor` of the previous page; anything else is refused, not read as "from the start". */
  cursor: z
    .string()
    .regex(/^\d{1,17}_\S{1,400}$/, 'not a cursor this server gave out')
    .optional(),
  limit: limit(50, 200),
});

export const AuditExportQuery = AuditFilters.extend({
  from: Instant,
  to: Instant,
  format: z.enum(['jsonl', 'fhir']).default('jsonl'),
});

/** The admin's search for a person by name (the audit log's person picker). */
export const PeopleQuery = z.object({ q: text(1, 100), limit: limit(10, 50) });

export const LegalHoldInput = z.object({ hold: z.boolean() });

/** The oversight page's range: the last 7 days when left out. */
export const OversightQuery = z.object({ from: Instant.optional(), to: Instant.optional() });

/** Every conversation of one person with messages in [from, to), and their audit events (e-discovery). */
export const EDiscoveryQuery = z.object({ from: Instant, to: Instant });

/** An admin's stated reason for opening content (`?reason=`), kept on the audit row. */
export const AccessReasonQuery = z.object({ reason: text(0, 500).optional() });

export const IntegrationUserInput = z.object({
  name: personName,
  email: email.optional().nullable(),
  role: z.enum(ROLES),
  status: z.enum(['active', 'blocked', 'deleted']),
  /** Extension: a clinician's designation ("Cardiologist", "RN"), shown in the conversation list. */
  designation: text(0, 200).optional().nullable(),
  /**
   * Extension (reminders): where this person's e-mail and SMS reminders go. Stored encrypted and
   * shown to no one, the person included. Left out, what is stored stays; null removes it.
   */
  contact: z
    .object({
      /** The address e-mail reminders go to (the sign-in `email` is not used for them). */
      email: z.email().max(320).toLowerCase().optional().nullable(),
      /** The number SMS reminders go to, in E.164: "+", the country code, the number (+14155550123). */
      phone: z
        .string()
        .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number: + then up to 15 digits, such as +14155550123')
        .optional()
        .nullable(),
    })
    .optional(),
});

export const IntegrationAppointmentInput = z.object({
  patientId: externalId,
  doctorId: externalId,
  startsAt: Instant,
  status: z.enum(['scheduled', 'completed', 'cancelled']),
});

/** Extension (care teams): a doctor's whole care team, replacing the one before; an empty list ends it. */
export const IntegrationCareTeamInput = z.object({
  /** The host platform's ids of the members: active STAFF or other DOCTORs, never the doctor itself. */
  memberIds: z
    .array(externalId)
    .max(MAX_CARE_TEAM)
    .refine((ids) => new Set(ids).size === ids.length, {
      message: 'must not repeat an id',
    }),
});

export const IntegrationBatchInput = z
  .object({
    users: z.array(IntegrationUserInput.extend({ id: externalId })).optional(),
    appointments: z.array(IntegrationAppointmentInput.extend({ id: externalId })).optional(),
    /** Extension (care teams): doctors' teams, each replacing that doctor's, after the users and appointments. */
    careTeams: z.array(IntegrationCareTeamInput.extend({ doctorId: externalId })).optional(),
  })
  .refine(
    (v) => (v.users?.length ?? 0) + (v.appointments?.length ?? 0) + (v.careTeams?.length ?? 0) <= MAX_BATCH_ITEMS,
    {
      message: `at most ${MAX_BATCH_ITEMS} items in one batch`,
    },
  );

/** Host-platform JWT claims. */
export const HostJwtClaims = z.object({
  sub: externalId,
  role: z.enum(ROLES),
  name: personName,
  email: email.optional(),
  exp: z.number(),
});

export type MessageSendInput = z.infer<typeof MessageSendInput>;
export type MessageSendBody = z.infer<typeof MessageSendBody>;
export type MessageEditInput = z.infer<typeof MessageEditInput>;
export type MessageDeleteInput = z.infer<typeof MessageDeleteInput>;
export type MessageReactInput = z.infer<typeof MessageReactInput>;
export type ReceiptInput = z.infer<typeof ReceiptInput>;
export type AcknowledgeInput = z.infer<typeof AcknowledgeInput>;
export type ConversationRef = z.infer<typeof ConversationRef>;
export type ConversationAssigneeInput = z.infer<typeof ConversationAssigneeInput>;
export type ConversationAssignInput = z.infer<typeof ConversationAssignInput>;
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;
export type MessagePageQuery = z.infer<typeof MessagePageQuery>;
export type TranscriptQuery = z.infer<typeof TranscriptQuery>;
export type ChangesQuery = z.infer<typeof ChangesQuery>;
export type MessageSearchQuery = z.infer<typeof MessageSearchQuery>;
export type AuditQuery = z.infer<typeof AuditQuery>;
export type IntegrationUserInput = z.infer<typeof IntegrationUserInput>;
export type IntegrationAppointmentInput = z.infer<typeof IntegrationAppointmentInput>;
export type IntegrationBatchInput = z.infer<typeof IntegrationBatchInput>;
export type IntegrationCareTeamInput = z.infer<typeof IntegrationCareTeamInput>;
export type HostJwtClaims = z.infer<typeof HostJwtClaims>;

/** The REST edit: the message comes from the path. */
export const MessageEditBody = z.object({ content: MessageContent });

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'not base64url');

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const PushSubscriptionInput = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(80, 100),
    /** The 16-byte auth secret. */
    auth: base64url(20, 30),
  }),
});
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionInput>;

export const PushUnsubscribeInput = z.object({ endpoint: z.url().max(2048) });

export const PushSettingsInput = z.object({
  /** Show the sender's name in notifications (off: only "New secure message"). */
  showSender: z.boolean(),
});
export type PushSettingsInput = z.infer<typeof PushSettingsInput>;

/** A local time of day, "HH:MM" on a 24-hour clock. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (00:00 to 23:59)');

/** An IANA time zone this server's Intl knows ("America/New_York", "Asia/Kolkata", "UTC"). */
export const TimeZone = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, such as America/New_York');

/** Extension (reminders): how a person wants to hear of messages left unread while no device of theirs is on. */
export const ReminderSettingsInput = z.object({
  /** The channels reminders go by; an empty list turns them off. */
  channels: z.array(z.enum(['email', 'sms'])).max(2),
  /** No reminder goes out from `start` until `end` (local time in `timeZone`); one due then waits until `end`. */
  quietHours: z.object({ start: timeOfDay, end: timeOfDay, timeZone: TimeZone }),
});
export type ReminderSettingsInput = z.infer<typeof ReminderSettingsInput>;

/**
 * Extension (saved replies): what a clinician calls a saved reply, typed after "/" in the
 * composer to find it: one line, unique per set whatever its case.
 */
export const SavedReplyName = text(1, MAX_SAVED_REPLY_NAME_LENGTH).refine((v) => !/[\r\n]/.test(v), 'must be one line');
/**
 * Extension (saved replies): the text it puts in the composer, a message's length at most, with
 * `{patient.firstName}` and `{doctor.name}` filled in by the client when inserted. Stored as text,
 * so no NUL.
 */
export const SavedReplyBody = text(1, MAX_MESSAGE_LENGTH);

export const SavedReplyInput = z.object({ name: SavedReplyName, body: SavedReplyBody });
export const SavedReplyPatch = z
  .object({ name: SavedReplyName.optional(), body: SavedReplyBody.optional() })
  .refine((v) => v.name !== undefined || v.body !== undefined, 'give name, body or both');

/** Extension (saved replies): the integration API's whole set, replacing what was there (an empty list: none). */
export const SavedReplySetInput = z.object({
  replies: z.array(SavedReplyInput).max(MAX_SAVED_REPLIES, `at most ${MAX_SAVED_REPLIES} saved replies in a set`),
});
export type SavedReplyInput = z.infer<typeof SavedReplyInput>;
export type SavedReplyPatch = z.infer<typeof SavedReplyPatch>;
export type SavedReplySetInput = z.infer<typeof SavedReplySetInput>;
