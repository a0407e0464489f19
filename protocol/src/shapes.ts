/** The shapes the server answers with (protocol.md "Shapes"). */
export type Role = 'PATIENT' | 'DOCTOR' | 'ADMIN';
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
  /** Extension: a doctor's designation ("Cardiologist") where the host platform gave one. */
  designation?: string | null;
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
}

/** Extension: an earlier text of an edited or deleted message, for admins' audit view. */
export interface MessageVersion {
  version: number;
  content: string;
  createdAt: string;
  replacedAt: string;
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
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface MessagePage {
  data: Message[];
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

export interface PushSettings {
  showSender: boolean;
  /** False when the server has no way to push (no VAPID keys could be made). */
  available: boolean;
}
