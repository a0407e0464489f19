import type { User } from '@carechat/protocol';
import type { Clock } from './clock.js';
import type { ClientStorage } from './storage.js';

export interface CareChatClientOptions {
  /** The CareChat server's origin; omitted, the page's own (the app itself). */
  url?: string;
  /** A host-platform JWT or an accessToken; omitted, the session cookie (same origin only). */
  token?: string;
  /** The signed-in person, when the host already knows (the client still asks the server). */
  user?: User;
  /** Where unsent messages and drafts outlive the page: IndexedDB in browsers, memory elsewhere. */
  storage?: ClientStorage;
  clock?: Clock;
  /** How long before the session ends `token-expiring` fires (default 5 minutes). */
  expiryWarningMs?: number;
  /** Each thing done on the person's behalf (the app's idle timer listens). */
  onActivity?: () => void;
  /** Whether the person sees the page now; default: the document's visibility, or always outside browsers. */
  isVisible?: () => boolean;
}

/** GET /api/auth/me: the signed-in person and when their session ends if nothing renews it. */
export interface Me {
  user: User;
  expiresAt: string | null;
  mfaEnabled: boolean;
  /** The server holds this session back (403 MFA_ENROLLMENT_REQUIRED) until two-factor sign-in is on. */
  mfaEnrollmentRequired: boolean;
}
