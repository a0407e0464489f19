/** The shapes the server answers with (protocol.md "Shapes"). */
/** STAFF (extension, care teams): a nurse or medical assistant on doctors' care teams, with a designation ("RN"). */
export type Role = 'PATIENT' | 'DOCTOR' | 'STAFF' | 'ADMIN';
export type UserStatus = 'active' | 'blocked' | 'deleted';
export type ScanStatus = 'PENDING' | 'CLEAN' | 'INFECTED' | 'FAILED';

export interface User {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  /** Extension: "active", "blocked" or "deleted", so an admin console can show it. */
  status?: UserStatus;
}

export interface Participant {
  id: string;
  name: string;
  role: Role;
  online: boolean;
  lastSeenAt: string | null;
  /** Extension: a clinician's designation ("Cardiologist", "RN") where the host platform gave one. */
  designation?: string | null;
}

/** Extension (care teams): one participant's watermarks in a conversation, by their user id. */
export interface Reader {
  userId: string;
  lastReadSeq: number;
  lastDeliveredSeq: number;
}

export interface LastMessage {
  id: string;
  seq: number;
  senderId: string;
  preview: string;
  createdAt: string;
}

export interface Conversation {
  id: string;
  patient: Participant;
  doctor: Participant;
  /**
   * Extension (care teams): the doctor's current team, its active members, who read, write and
   * receive the conversation's events like the doctor. Empty when the doctor has no team.
   */
  careTeam: Participant[];
  /**
   * Extension (care teams): how far every other participant read and received (the patient, the
   * doctor, the active team; one-to-one just the peer), so a view names who read after a reload.
   */
  readers: Reader[];
  lastMessage: LastMessage | null;
  lastMessageAt: string | null;
  lastSeq: number;
  lastRev: number;
  unreadCount: number;
  lastReadSeq: number;
  peerLastReadSeq: number;
  peerLastDeliveredSeq: number;
  archived: boolean;
  createdAt: string;
  /** Extension: false while the pair shares no live appointment or either side is blocked. */
  canMessage: boolean;
  /** Extension, admins only: what the conversation holds, in place of its content (`lastMessage` is null). */
  counts?: ConversationCounts;
  /**
   * Extension (urgent messages): when the patient's oldest urgent message the doctor has not yet
   * answered was sent; null once the doctor writes after it. Doctors' lists put these first.
   */
  urgentAt?: string | null;
  /**
   * Extension (triage): when the patient's first message not yet answered by the care side was
   * sent; null once anyone of the care side writes after it. The needs-reply list's order.
   */
  waitingSince?: string | null;
  /**
   * Extension (triage): the one person of the care side handling the conversation ("Nurse Joy is
   * handling this"); null when nobody is, and always null in the patient's view.
   */
  assignee?: Participant | null;
  /** Extension: the clinic's own emergency notice (EMERGENCY_NOTICE); absent, a client shows its own wording. */
  emergencyNotice?: string;
  /** Extension, admins only: the state the console's actions change, shown beside them. */
  adminState?: ConversationAdminState;
}

/** Extension: a conversation's legal hold and shredding, and whether each participant is blocked. */
export interface ConversationAdminState {
  legalHold: boolean;
  /** When its data key was destroyed; null while it can be read. */
  shreddedAt: string | null;
  patientStatus: UserStatus;
  doctorStatus: UserStatus;
}

/** Extension: how many messages a conversation holds, and how many of them were deleted or edited or carry files. */
export interface ConversationCounts {
  messages: number;
  deleted: number;
  edited: number;
  attachments: number;
}

export interface Attachment {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  scanStatus: ScanStatus;
}

export interface Reaction {
  emoji: string;
  userIds: string[];
}

export interface ReplyTo {
  id: string;
  seq: number;
  senderId: string;
  preview: string;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  rev: number;
  clientMessageId: string;
  senderId: string;
  senderRole: Role;
  content: string | null;
  replyTo: ReplyTo | null;
  attachments: Attachment[];
  reactions: Reaction[];
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  hiddenForMe?: boolean;
  /** Extension: present when the clinician who sent it asked the patient to confirm they read it. */
  acknowledgement?: MessageAcknowledgement;
  /** Extension: true on a patient's message sent as urgent (absent otherwise). */
  urgent?: boolean;
}

/** Extension: the patient's "I have read this" on a message that asked for it; nulls until then. */
export interface MessageAcknowledgement {
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** Extension: a message of the caller's still waiting for the patient's acknowledgement. */
export interface PendingAcknowledgement {
  messageId: string;
  conversationId: string;
  seq: number;
  patient: { id: string; name: string };
  sentAt: string;
  /** Reminder rounds sent to the patient so far (at most ACK_REMINDER_LIMIT). */
  reminders: number;
}

/** Extension: an earlier text of an edited or deleted message, for admins' audit view. */
export interface MessageVersion {
  version: number;
  content: string;
  createdAt: string;
  replacedAt: string;
  /** What replaced it: a later edit, or the message's deletion (the text it had when deleted). */
  replacedBy?: 'edit' | 'delete';
}

/** Extension: a message of an admin's transcript: as stored, with every earlier text, oldest first. */
export interface TranscriptMessage extends Message {
  versions: MessageVersion[];
  /** The files a message deleted for everyone had: what they were; their bytes went with it. */
  removedAttachments: Attachment[];
}

/** Extension: a page of an admin's transcript, oldest first; `hasMore` in the direction it was read. */
export interface TranscriptPage {
  data: TranscriptMessage[];
  hasMore: boolean;
}

export interface AuditEvent {
  id: string;
  at: string;
  actorId: string | null;
  actorRole: Role | 'SERVICE' | 'SYSTEM' | null;
  action: string;
  conversationId?: string | null;
  messageId?: string | null;
  targetId?: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: 'success' | 'failure' | 'denied';
  /** The actor's name beside the id, for people reading the log. */
  actorName: string | null;
  /** "Patient · Doctor" of the conversation named, if any. */
  conversationName: string | null;
  /** Never content: counts, reasons, scopes, versions. */
  details: Record<string, unknown> | null;
  /** False for events read from the message and session rows (sends, edits, ...): the hash chain covers none. */
  chained: boolean;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface MessagePage {
  data: Message[];
  hasMore: boolean;
}

/** Extension: a message of a conversation whose text holds every word searched for. */
export interface MessageSearchHit {
  messageId: string;
  seq: number;
  senderId: string;
  createdAt: string;
  /** At most 120 characters of the text around the first word found, "…" where cut. */
  snippet: string;
}

/** Hits newest first; `hasMore`: older hits may exist, asked for with `before` the last hit's seq. */
export interface MessageSearchPage {
  data: MessageSearchHit[];
  hasMore: boolean;
}

export interface LoginResult {
  user: User;
  accessToken: string;
  expiresAt: string;
}

export interface ReadResult {
  lastReadSeq: number;
  unreadCount: number;
}

/** Extension: an outside read of a conversation (an admin's audit access), as its participants see it. */
export interface AccessLogEntry {
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  flagged: boolean;
}

/** What a push notification carries: no message text, and the sender's name only on opt-in. */
export interface PushPayload {
  title: string;
  conversationId: string;
  /** Present only when the recipient chose to see who wrote. */
  senderName?: string;
}

/** Extension (reminders): the caller's reminder settings (`GET /api/me/reminders`). */
export interface ReminderSettings {
  channels: ('email' | 'sms')[];
  quietHours: { start: string; end: string; timeZone: string };
  /** Which addresses the host platform gave for the caller: a channel without one sends nothing. */
  known: { email: boolean; phone: boolean };
  /** False when the caller never saved settings and these are the defaults. */
  saved: boolean;
}

export interface PushSettings {
  showSender: boolean;
  /** False when the server has no way to push (no VAPID keys could be made). */
  available: boolean;
}

/**
 * Extension (saved replies): a clinician's text kept for reuse. `mine`: the caller's own, which
 * they manage; `team`: the shared set the host platform manages (read-only in the app).
 */
export interface SavedReply {
  id: string;
  scope: 'mine' | 'team';
  name: string;
  /** May hold `{patient.firstName}` and `{doctor.name}`, filled in when inserted into the composer. */
  body: string;
  updatedAt: string;
}

/** Extension (saved replies): the caller's own and the team's, by name. */
export interface SavedReplyList {
  data: SavedReply[];
}

/** Extension: one reader who opened many conversations in a short time (the oversight page). */
export interface OversightBurst {
  actorId: string | null;
  actorName: string | null;
  actorRole: AuditEvent['actorRole'];
  /** The first and last read of the run: each read in it is within the window of a threshold's worth. */
  from: string;
  to: string;
  /** Distinct conversations read in the run, and reads in all. */
  conversations: number;
  reads: number;
}

/** Extension: the reads that need a look, counted, with the newest of each kind (GET /api/admin/oversight). */
export interface OversightReport {
  from: string;
  to: string;
  /** The rules the server judged by (its configuration). */
  rules: {
    workingHours: { start: string; end: string; days: number[]; timeZone: string };
    burst: { conversations: number; minutes: number };
  };
  noReason: { count: number; items: AuditEvent[] };
  outsideHours: { count: number; items: AuditEvent[] };
  bursts: { count: number; items: OversightBurst[] };
}
