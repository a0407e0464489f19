import { withoutKey } from './record.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH, type Attachment, type Message } from '@carechat/protocol';

/**
 * What a person has written but not sent, one draft per conversation id: the text, the
 * message it answers and the files uploaded for it. Nothing here is held by a component,
 * so opening another conversation can never carry a draft, a reply target or an upload to
 * it. Pure functions over `Drafts`; the transport and storage live in DraftStore.
 */

/** A file attached to a draft: uploading, uploaded (with its attachment) or failed. */
export interface Upload {
  key: string;
  name: string;
  progress: number;
  attachment?: Attachment;
  error?: string;
  /** The failure was not the file's (the virus scanner could not check it, no connection): it may be sent again. */
  retryable?: boolean;
}

/** Failures that say nothing about the file itself, so sending the same file again may succeed. */
const PASSING_FAILURES: ReadonlySet<string> = new Set(['SCAN_UNAVAILABLE', 'NETWORK', 'TIMEOUT', 'OFFLINE']);
export const isRetryableUploadError = (code: string | undefined): boolean =>
  code !== undefined && PASSING_FAILURES.has(code);

export interface Draft {
  text: string;
  replyTo: Message | null;
  uploads: Upload[];
  /** When the text last changed (ms): the newest drafts are the ones kept in storage. */
  updatedAt: number;
}

export type Drafts = Readonly<Record<string, Draft>>;

/** What one send takes from a draft. */
export interface Outgoing {
  content: string;
  replyToId?: string;
  attachments: Attachment[];
}

export const EMPTY_DRAFT: Draft = Object.freeze({ text: '', replyTo: null, uploads: [], updatedAt: 0 });

/** How many drafts outlive a reload: the most recently edited ones. */
export const MAX_STORED_DRAFTS = 50;

export const draftOf = (drafts: Drafts, conversationId: string): Draft => drafts[conversationId] ?? EMPTY_DRAFT;

const isEmpty = (d: Draft) => d.text === '' && d.replyTo === null && d.uploads.length === 0;

/** The drafts with one conversation's draft changed; an emptied draft is dropped. */
function update(drafts: Drafts, conversationId: string, change: (d: Draft) => Draft): Drafts {
  const before = draftOf(drafts, conversationId);
  const after = change(before);
  if (after === before) return drafts;
  return isEmpty(after) ? withoutKey(drafts, conversationId) : { ...drafts, [conversationId]: after };
}

export const withText = (drafts: Drafts, conversationId: string, text: string, now = Date.now()): Drafts =>
  update(drafts, conversationId, (d) =>
    d.text === text ? d : { ...d, text: text.slice(0, MAX_MESSAGE_LENGTH), updatedAt: now },
  );

export const withReplyTo = (drafts: Drafts, conversationId: string, replyTo: Message | null): Drafts =>
  update(drafts, conversationId, (d) => (d.replyTo === replyTo ? d : { ...d, replyTo }));

/** How many more files this conversation's next message can take. */
export const freeSlots = (draft: Draft): number => Math.max(0, MAX_ATTACHMENTS_PER_MESSAGE - draft.uploads.length);

export const withUploadAdded = (drafts: Drafts, conversationId: string, upload: Upload): Drafts =>
  update(drafts, conversationId, (d) => (freeSlots(d) === 0 ? d : { ...d, uploads: [...d.uploads, upload] }));

/**
 * Progress or the end of an upload, applied to the conversation it was started in and
 * nowhere else; an upload the person removed (or sent without) meanwhile stays gone.
 */
export const withUploadChanged = (
  drafts: Drafts,
  conversationId: string,
  key: string,
  patch: Partial<Omit<Upload, 'key'>>,
): Drafts =>
  update(drafts, conversationId, (d) =>
    d.uploads.some((u) => u.key === key)
      ? { ...d, uploads: d.uploads.map((u) => (u.key === key ? { ...u, ...patch } : u)) }
      : d,
  );

/** A failed upload back to its start, sent again: its name kept, its error gone. */
export const withUploadRestarted = (drafts: Drafts, conversationId: string, key: string): Drafts =>
  update(drafts, conversationId, (d) =>
    d.uploads.some((u) => u.key === key)
      ? { ...d, uploads: d.uploads.map((u) => (u.key === key ? { key, name: u.name, progress: 0 } : u)) }
      : d,
  );

export const withoutUpload = (drafts: Drafts, conversationId: string, key: string): Drafts =>
  update(drafts, conversationId, (d) =>
    d.uploads.some((u) => u.key === key) ? { ...d, uploads: d.uploads.filter((u) => u.key !== key) } : d,
  );

/** Whether an upload is still on its way: the draft waits for it before it can be sent. */
export const uploading = (draft: Draft): boolean => draft.uploads.some((u) => !u.attachment && !u.error);

/** The message this draft makes, or null when there is nothing to send yet. */
export function outgoing(draft: Draft): Outgoing | null {
  const content = draft.text.trim();
  const attachments = draft.uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
  if ((!content && attachments.length === 0) || uploading(draft) || content.length > MAX_MESSAGE_LENGTH) return null;
  return { content, attachments, ...(draft.replyTo ? { replyToId: draft.replyTo.id } : {}) };
}

/** The drafts after a conversation's draft went out: it starts again empty. */
export const withoutDraft = (drafts: Drafts, conversationId: string): Drafts => withoutKey(drafts, conversationId);

// ---- across a reload ---------------------------------------------------------------------

/**
 * What survives a reload: the text alone, of the MAX_STORED_DRAFTS most recently edited
 * drafts. A reply target and uploads live only as long as the page (the replied-to message is
 * someone's words, and an unsent upload is reachable only from the page that made it).
 */
export function toStored(drafts: Drafts): string | null {
  const kept = Object.entries(drafts)
    .filter(([, d]) => d.text !== '')
    .sort(([, a], [, b]) => b.updatedAt - a.updatedAt)
    .slice(0, MAX_STORED_DRAFTS);
  if (kept.length === 0) return null;
  return JSON.stringify({
    v: 1,
    drafts: Object.fromEntries(kept.map(([id, d]) => [id, { text: d.text, at: d.updatedAt }])),
  });
}

/** Drafts read back from storage; anything malformed is skipped, never thrown. */
export function fromStored(raw: string | null): Drafts {
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : null;
  } catch {
    return {};
  }
  const stored = (parsed as { v?: unknown; drafts?: unknown } | null)?.drafts;
  if ((parsed as { v?: unknown } | null)?.v !== 1 || typeof stored !== 'object' || stored === null) return {};
  let drafts: Drafts = {};
  for (const [id, entry] of Object.entries(stored as Record<string, { text?: unknown; at?: unknown }>).slice(
    0,
    MAX_STORED_DRAFTS,
  )) {
    if (typeof entry?.text !== 'string' || entry.text === '') continue;
    drafts = withText(drafts, id, entry.text, typeof entry.at === 'number' ? entry.at : 0);
  }
  return drafts;
}
