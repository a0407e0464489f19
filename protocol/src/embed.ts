import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import { MAX_EXTERNAL_ID_LENGTH } from './limits.js';
import type { User } from './shapes.js';
import { identifier } from './text.js';

/** The meta element in which the server gives the /embed page EMBED_ORIGINS, space-separated. */
export const EMBED_ORIGINS_META = 'carechat-embed-origins';

/**
 * The widget's postMessage contract (protocol.md, "Embedding"): what a host page may send to
 * the /embed frame, parsed with these schemas (anything else is ignored), and what the frame
 * sends back.
 */
export const EmbedHostMessage = z.discriminatedUnion('type', [
  /** The user's host JWT; sent again with a fresh one at any time. A JWT is far below 16 KiB. */
  z.object({ type: z.literal('carechat:auth'), token: z.string().min(1).max(16_384) }),
  /** Open (or start) the conversation with this person. */
  z.object({ type: z.literal('carechat:open'), withUserId: identifier(MAX_EXTERNAL_ID_LENGTH) }),
  /** End the session. */
  z.object({ type: z.literal('carechat:sign-out') }),
]);
export type EmbedHostMessage = z.infer<typeof EmbedHostMessage>;

export type EmbedFrameMessage =
  /** Loaded; send a token. */
  | { type: 'carechat:ready' }
  /** The token was accepted. */
  | { type: 'carechat:signed-in'; user: User }
  /** The token was refused. */
  | { type: 'carechat:auth-failed'; code: ErrorCode | 'NETWORK' }
  /** The session ends at `expiresAt` (ISO time) unless a fresh token comes. */
  | { type: 'carechat:token-expiring'; expiresAt: string }
  /** Total unread changed (also sent once after sign-in). */
  | { type: 'carechat:unread'; count: number }
  /** The user opened a conversation. */
  | { type: 'carechat:conversation'; conversationId: string }
  /** The session ended (sign-out, idle expiry, blocked, token expired). */
  | { type: 'carechat:signed-out' };
