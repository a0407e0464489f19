import * as P from '@carechat/protocol';
import { MAX_MESSAGE_LENGTH } from '@carechat/protocol';
import { z } from 'zod';
import * as X from './extension-shapes.js';
import { WebAppManifest } from '../webapp/manifest.js';

/**
 * Every schema a request or answer body uses, by the name it has in the document. A schema
 * nested in another one and named here becomes a `$ref`, so `Participant` is written once.
 */
const NAMED: Record<string, z.ZodType> = {
  // Requests (protocol/src/inputs.ts)
  LoginInput: P.LoginInput,
  MfaCodeInput: P.MfaCodeInput,
  ConversationCreateInput: P.ConversationCreateInput,
  ConversationPatchInput: P.ConversationPatchInput,
  ConversationAssigneeInput: P.ConversationAssigneeInput,
  MessageContent: P.MessageContent,
  MessageSendBody: P.MessageSendBody,
  MessageEditBody: P.MessageEditBody,
  ReadBody: P.ReadBody,
  LegalHoldInput: P.LegalHoldInput,
  IntegrationUserInput: P.IntegrationUserInput,
  IntegrationAppointmentInput: P.IntegrationAppointmentInput,
  IntegrationBatchInput: P.IntegrationBatchInput,
  IntegrationCareTeamInput: P.IntegrationCareTeamInput,
  AttachmentUpload: X.AttachmentUpload,
  HostJwtClaims: P.HostJwtClaims,
  PushSubscriptionInput: P.PushSubscriptionInput,
  PushSettingsInput: P.PushSettingsInput,
  ReminderSettingsInput: P.ReminderSettingsInput,
  SavedReplyInput: P.SavedReplyInput,
  SavedReplyPatch: P.SavedReplyPatch,
  SavedReplySetInput: P.SavedReplySetInput,
  // Answers (protocol/src/responses.ts)
  ErrorResponse: P.ErrorResponseSchema,
  User: P.UserSchema,
  Participant: P.ParticipantSchema,
  Reader: P.ReaderSchema,
  LastMessage: P.LastMessageSchema,
  ConversationCounts: P.ConversationCountsSchema,
  ConversationAdminState: P.ConversationAdminStateSchema,
  Conversation: P.ConversationSchema,
  ConversationPage: P.ConversationPageSchema,
  Attachment: P.AttachmentSchema,
  Reaction: P.ReactionSchema,
  ReplyTo: P.ReplyToSchema,
  Message: P.MessageSchema,
  MessagePage: P.MessagePageSchema,
  MessageSearchHit: P.MessageSearchHitSchema,
  MessageSearchPage: P.MessageSearchPageSchema,
  MessageVersion: P.MessageVersionSchema,
  TranscriptMessage: P.TranscriptMessageSchema,
  TranscriptPage: P.TranscriptPageSchema,
  AuditEvent: P.AuditEventSchema,
  AuditEventPage: P.AuditEventPageSchema,
  LoginResult: P.LoginResultSchema,
  ReadResult: P.ReadResultSchema,
  AccessLogEntry: P.AccessLogEntrySchema,
  OversightBurst: P.OversightBurstSchema,
  OversightReport: P.OversightReportSchema,
  IntegrationBatchResult: P.IntegrationBatchResultSchema,
  SavedReply: P.SavedReplySchema,
  SavedReplyList: P.SavedReplyListSchema,
  PendingAcknowledgement: P.PendingAcknowledgementSchema,
  PendingAcknowledgementList: P.PendingAcknowledgementListSchema,
  // Answers of extension routes (extension-shapes.ts)
  ContactList: X.ContactList,
  AccessLog: X.AccessLog,
  AuthOptions: X.AuthOptions,
  Me: X.Me,
  MfaEnrollment: X.MfaEnrollment,
  MfaState: X.MfaState,
  MessageHistory: X.MessageHistory,
  LegalHold: X.LegalHold,
  Shredded: X.Shredded,
  PeopleFound: X.PeopleFound,
  AuditChainReport: X.AuditChainReport,
  AuditJsonLine: X.AuditJsonLine,
  FhirBundle: X.FhirBundle,
  AppointmentAck: X.AppointmentAck,
  CareTeam: X.CareTeamAnswer,
  Health: X.Health,
  Readiness: X.Readiness,
  Bytes: X.Bytes,
  OpenApiDocument: X.OpenApiDocument,
  HtmlPage: X.HtmlPage,
  WebAppManifest,
  PrometheusText: X.PrometheusText,
  PushPublicKey: X.PushPublicKey,
  PushSettings: X.PushSettings,
  ReminderSettings: X.ReminderSettings,
  Ok: X.Ok,
};

/** Words the zod schemas cannot carry themselves (their doc comments do not reach runtime). */
const DESCRIPTIONS: Record<string, string> = {
  MessageContent: `Trimmed by the server, then 1 to ${MAX_MESSAGE_LENGTH} characters. Shown as text, never as HTML.`,
  ErrorResponse: 'The body of every error answer. `code` is stable; `message` is for people.',
  IntegrationBatchInput:
    'Up to 10,000 users, appointments and care teams in total, applied in one transaction (in that order): ' +
    'all or nothing.',
  Conversation:
    '`lastRev` is the newest rev this viewer can see; give it to `.../changes?since=` to catch up. ' +
    'For an admin, `lastMessage` is null and `counts` says what it holds: content only in the audited transcript.',
  ConversationCounts: 'Extension, for admins: numbers only, so listing conversations reads none of them.',
  Message: 'A message deleted for everyone keeps its id and seq, with `content` null and `deletedAt` set.',
  Attachment: 'Only CLEAN attachments can be sent or downloaded.',
  HostJwtClaims:
    'The claims of a host-platform JWT (HS256 signed with AUTH_JWT_SECRET, or RS256/ES256/EdDSA by a key in ' +
    "AUTH_JWKS_URL); `sub` is the person's id there; `iss` and `aud` are required too when the server sets " +
    'AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE; `exp` at most AUTH_JWT_MAX_LIFETIME_MINUTES ahead (and after `iat`); ' +
    '`nbf` honoured.',
  SavedReply:
    '`body` may hold `{patient.firstName}` and `{doctor.name}`: the client fills them in when it inserts the ' +
    "reply into a conversation's composer, and leaves any other braces as typed.",
  FhirBundle: 'A FHIR R4 Bundle (type collection); see hl7.org/fhir/R4/bundle.html.',
};

export const registry = z.registry<{ id: string; description?: string }>();
for (const [id, schema] of Object.entries(NAMED))
  registry.add(schema, { id, ...(DESCRIPTIONS[id] ? { description: DESCRIPTIONS[id] } : {}) });

/** The component name of a schema; the build fails for one that was never named. */
export function componentName(schema: z.ZodType): string {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error('a body schema in the docs is not named in docs/components.ts');
  return id;
}
