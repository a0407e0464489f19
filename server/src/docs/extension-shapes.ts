import {
  AuditEventSchema,
  MAX_ATTACHMENT_BYTES,
  MessageSchema,
  MessageVersionSchema,
  ParticipantSchema,
  AccessLogEntrySchema,
  UserSchema,
} from '@carechat/protocol';
import { z } from 'zod';

/**
 * Answers of the server's extension routes that the protocol package has no schema for. They
 * are written here, minimally, only for the docs: the routes build these objects inline, and
 * the web app is their only other reader. Nested protocol shapes are reused, never copied.
 */
const time = z.iso.datetime();

export const ContactList = z.object({
  data: z.array(ParticipantSchema),
  /** More people than the page (200, by name) match: the rest are found by searching with `q`. */
  hasMore: z.boolean(),
});
export const AccessLog = z.object({ data: z.array(AccessLogEntrySchema) });

export const AuthOptions = z.object({
  demoAccounts: z.array(z.object({ email: z.string(), name: z.string(), role: z.string() })).nullable(),
  sessionIdleMinutes: z.number(),
});
export const Me = z.object({
  user: UserSchema,
  expiresAt: time.nullable(),
  /** Two-factor sign-in is on for this account. */
  mfaEnabled: z.boolean(),
  /**
   * This password session must set up two-factor sign-in (MFA_REQUIRED_ROLES) before any other route or a
   * socket works.
   */
  mfaEnrollmentRequired: z.boolean(),
});

export const MfaEnrollment = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  recoveryCodes: z.array(z.string()),
});
export const MfaState = z.object({ enabled: z.boolean() });

export const MessageHistory = z.object({ message: MessageSchema, versions: z.array(MessageVersionSchema) });
export const LegalHold = z.object({ id: z.uuid(), legalHold: z.boolean() });
export const Shredded = z.object({ id: z.uuid(), shreddedAt: time });
/** The admin's person search: the audit log's person picker. */
export const PeopleFound = z.object({ data: z.array(UserSchema) });
export const AuditChainReport = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBroken: z.object({ id: z.string(), reason: z.enum(['hash', 'link']) }).nullable(),
});

/** FHIR R4 Bundles are described by FHIR itself (hl7.org/fhir/R4/bundle.html); only the frame here. */
export const FhirBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.string(),
  entry: z.array(z.looseObject({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.string() }) })),
});
/** One audit event per line, with its details and chain hashes (hex), to re-verify offline. */
export const AuditJsonLine = AuditEventSchema.extend({
  details: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});

export const AppointmentAck = z.object({ id: z.string() });
export const CareTeamAnswer = z.object({ doctorId: z.string(), memberIds: z.array(z.string()) });
export const Health = z.object({ status: z.string() });
/** `fanout`: 'local' (no Redis), 'ok', or 'degraded' (Redis configured but unreachable; still ready). */
export const Readiness = z.object({
  status: z.string(),
  database: z.string().optional(),
  fanout: z.enum(['local', 'ok', 'degraded']).optional(),
  /** Under WORKERS=N: the worker that answered. */
  worker: z.number().int().optional(),
});

export const AttachmentUpload = z.object({
  /** Checked before a byte of the file is read. */
  conversationId: z.uuid(),
  file: z.file().max(MAX_ATTACHMENT_BYTES),
});
export const Bytes = z.file();

/** The OpenAPI document itself is left open: it is described by the OpenAPI specification. */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({}),
  paths: z.looseObject({}),
});
export const HtmlPage = z.string();

export const PrometheusText = z.string().describe('Prometheus text exposition format 0.0.4');

export const PushPublicKey = z.object({
  publicKey: z
    .string()
    .describe('The VAPID public key (base64url): the applicationServerKey for pushManager.subscribe'),
});
export const PushSettings = z.object({ showSender: z.boolean(), available: z.boolean() });
export const ReminderSettings = z.object({
  channels: z.array(z.enum(['email', 'sms'])),
  quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }),
  known: z.object({ email: z.boolean(), phone: z.boolean() }),
  saved: z.boolean(),
});
export const Ok = z.object({ ok: z.literal(true) });
