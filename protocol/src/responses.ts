import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode, type ErrorResponse } from './errors.js';
import { ROLES } from './roles.js';
import type * as S from './shapes.js';

/**
 * The answers of shapes.ts as zod schemas, so the generated API docs describe them from code.
 * The interfaces stay what the code is typed with; the checks at the end of this file fail
 * the typecheck when a schema and its interface drift apart (a field added, removed or retyped).
 */
const time = z.iso.datetime();
const role = z.enum(ROLES);
const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);
export const ErrorResponseSchema = z.object({ error: z.object({ code: ErrorCodeSchema, message: z.string() }) });

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role,
  status: z.enum(['active', 'blocked', 'deleted']).optional(),
});

export const ParticipantSchema = z.object({
  id: z.string(),
  name: z.string(),
  role,
  online: z.boolean(),
  lastSeenAt: time.nullable(),
  designation: z.string().nullable().optional(),
});

export const ReaderSchema = z.object({
  userId: z.string(),
  lastReadSeq: z.number().int(),
  lastDeliveredSeq: z.number().int(),
});

export const LastMessageSchema = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  senderId: z.string(),
  preview: z.string(),
  createdAt: time,
});

export const ConversationCountsSchema = z.object({
  messages: z.number().int(),
  deleted: z.number().int(),
  edited: z.number().int(),
  attachments: z.number().int(),
});

const userStatus = z.enum(['active', 'blocked', 'deleted']);
export const ConversationAdminStateSchema = z.object({
  legalHold: z.boolean(),
  shreddedAt: time.nullable(),
  patientStatus: userStatus,
  doctorStatus: userStatus,
});

export const ConversationSchema = z.object({
  id: z.uuid(),
  patient: ParticipantSchema,
  doctor: ParticipantSchema,
  careTeam: z.array(ParticipantSchema),
  readers: z.array(ReaderSchema),
  lastMessage: LastMessageSchema.nullable(),
  lastMessageAt: time.nullable(),
  lastSeq: z.number().int(),
  lastRev: z.number().int(),
  unreadCount: z.number().int(),
  lastReadSeq: z.number().int(),
  peerLastReadSeq: z.number().int(),
  peerLastDeliveredSeq: z.number().int(),
  archived: z.boolean(),
  createdAt: time,
  canMessage: z.boolean(),
  counts: ConversationCountsSchema.optional(),
  urgentAt: time.nullable().optional(),
  waitingSince: time.nullable().optional(),
  assignee: ParticipantSchema.nullable().optional(),
  emergencyNotice: z.string().optional(),
  adminState: ConversationAdminStateSchema.optional(),
});

export const AttachmentSchema = z.object({
  id: z.uuid(),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  scanStatus: z.enum(['PENDING', 'CLEAN', 'INFECTED', 'FAILED']),
});

export const ReactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export const ReplyToSchema = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  senderId: z.string(),
  preview: z.string(),
});

export const MessageSchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  rev: z.number().int(),
  clientMessageId: z.string(),
  senderId: z.string(),
  senderRole: role,
  content: z.string().nullable(),
  replyTo: ReplyToSchema.nullable(),
  attachments: z.array(AttachmentSchema),
  reactions: z.array(ReactionSchema),
  createdAt: time,
  editedAt: time.nullable(),
  deletedAt: time.nullable(),
  hiddenForMe: z.boolean().optional(),
  acknowledgement: z.object({ acknowledgedAt: time.nullable(), acknowledgedBy: z.string().nullable() }).optional(),
  urgent: z.boolean().optional(),
});

export const PendingAcknowledgementSchema = z.object({
  messageId: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  patient: z.object({ id: z.string(), name: z.string() }),
  sentAt: time,
  reminders: z.number().int(),
});
export const PendingAcknowledgementListSchema = z.object({ data: z.array(PendingAcknowledgementSchema) });

export const MessageVersionSchema = z.object({
  version: z.number().int(),
  content: z.string(),
  createdAt: time,
  replacedAt: time,
  replacedBy: z.enum(['edit', 'delete']).optional(),
});

export const TranscriptMessageSchema = MessageSchema.extend({
  versions: z.array(MessageVersionSchema),
  removedAttachments: z.array(AttachmentSchema),
});
export const TranscriptPageSchema = z.object({ data: z.array(TranscriptMessageSchema), hasMore: z.boolean() });

export const AuditEventSchema = z.object({
  id: z.string(),
  at: time,
  actorId: z.string().nullable(),
  actorRole: z.enum([...ROLES, 'SERVICE', 'SYSTEM']).nullable(),
  action: z.string(),
  conversationId: z.string().nullable().optional(),
  messageId: z.string().nullable().optional(),
  targetId: z.string().nullable().optional(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  actorName: z.string().nullable(),
  conversationName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  chained: z.boolean(),
});

export const ConversationPageSchema = pageOf(ConversationSchema);
export const AuditEventPageSchema = pageOf(AuditEventSchema);
export const MessagePageSchema = z.object({ data: z.array(MessageSchema), hasMore: z.boolean() });
export const MessageSearchHitSchema = z.object({
  messageId: z.string(),
  seq: z.number().int(),
  senderId: z.string(),
  createdAt: time,
  snippet: z.string(),
});
export const MessageSearchPageSchema = z.object({ data: z.array(MessageSearchHitSchema), hasMore: z.boolean() });
export const LoginResultSchema = z.object({ user: UserSchema, accessToken: z.string(), expiresAt: time });
export const ReadResultSchema = z.object({ lastReadSeq: z.number().int(), unreadCount: z.number().int() });
/** The integration batch's answer: how many users and appointments it wrote. */
export const IntegrationBatchResultSchema = z.object({
  users: z.number().int(),
  appointments: z.number().int(),
  /** Extension (care teams): how many doctors' teams were replaced; present when the batch carried any. */
  careTeams: z.number().int().optional(),
});

export const AccessLogEntrySchema = z.object({
  at: time,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  reason: z.string().nullable(),
  flagged: z.boolean(),
});

/** Extension (saved replies). */
export const SavedReplySchema = z.object({
  id: z.uuid(),
  scope: z.enum(['mine', 'team']),
  name: z.string(),
  body: z.string(),
  updatedAt: time,
});
export const SavedReplyListSchema = z.object({ data: z.array(SavedReplySchema) });
const auditRole = AuditEventSchema.shape.actorRole;
export const OversightBurstSchema = z.object({
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: auditRole,
  from: time,
  to: time,
  conversations: z.number().int(),
  reads: z.number().int(),
});
const counted = <T extends z.ZodType>(item: T) => z.object({ count: z.number().int(), items: z.array(item) });
export const OversightReportSchema = z.object({
  from: time,
  to: time,
  rules: z.object({
    workingHours: z.object({
      start: z.string(),
      end: z.string(),
      days: z.array(z.number().int()),
      timeZone: z.string(),
    }),
    burst: z.object({ conversations: z.number().int(), minutes: z.number() }),
  }),
  noReason: counted(AuditEventSchema),
  outsideHours: counted(AuditEventSchema),
  bursts: counted(OversightBurstSchema),
});

// Drift checks: same keys, and each side assignable to the other (optional and nullable included).
type Same<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false
  : false;
type Check<T extends true> = T;
export type ResponseSchemaChecks = [
  Check<Same<z.infer<typeof ErrorResponseSchema>, ErrorResponse>>,
  Check<Same<z.infer<typeof UserSchema>, S.User>>,
  Check<Same<z.infer<typeof ParticipantSchema>, S.Participant>>,
  Check<Same<z.infer<typeof ReaderSchema>, S.Reader>>,
  Check<Same<z.infer<typeof LastMessageSchema>, S.LastMessage>>,
  Check<Same<z.infer<typeof ConversationCountsSchema>, S.ConversationCounts>>,
  Check<Same<z.infer<typeof ConversationSchema>, S.Conversation>>,
  Check<Same<z.infer<typeof AttachmentSchema>, S.Attachment>>,
  Check<Same<z.infer<typeof ReactionSchema>, S.Reaction>>,
  Check<Same<z.infer<typeof ReplyToSchema>, S.ReplyTo>>,
  Check<Same<z.infer<typeof MessageSchema>, S.Message>>,
  Check<Same<z.infer<typeof MessageVersionSchema>, S.MessageVersion>>,
  Check<Same<z.infer<typeof TranscriptMessageSchema>, S.TranscriptMessage>>,
  Check<Same<z.infer<typeof TranscriptPageSchema>, S.TranscriptPage>>,
  Check<Same<z.infer<typeof AuditEventSchema>, S.AuditEvent>>,
  Check<Same<z.infer<typeof ConversationPageSchema>, S.Page<S.Conversation>>>,
  Check<Same<z.infer<typeof AuditEventPageSchema>, S.Page<S.AuditEvent>>>,
  Check<Same<z.infer<typeof MessagePageSchema>, S.MessagePage>>,
  Check<Same<z.infer<typeof MessageSearchPageSchema>, S.MessageSearchPage>>,
  Check<Same<z.infer<typeof LoginResultSchema>, S.LoginResult>>,
  Check<Same<z.infer<typeof ReadResultSchema>, S.ReadResult>>,
  Check<Same<z.infer<typeof AccessLogEntrySchema>, S.AccessLogEntry>>,
  Check<Same<z.infer<typeof SavedReplySchema>, S.SavedReply>>,
  Check<Same<z.infer<typeof SavedReplyListSchema>, S.SavedReplyList>>,
  Check<Same<z.infer<typeof PendingAcknowledgementSchema>, S.PendingAcknowledgement>>,
  Check<Same<z.infer<typeof ConversationAdminStateSchema>, S.ConversationAdminState>>,
  Check<Same<z.infer<typeof OversightBurstSchema>, S.OversightBurst>>,
  Check<Same<z.infer<typeof OversightReportSchema>, S.OversightReport>>,
];
