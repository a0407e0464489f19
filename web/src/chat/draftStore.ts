import type { Attachment, Message } from '@carechat/protocol';
import { uploadFile } from '../api/http.js';
import * as draft from './drafts.js';
import type { Draft, Drafts, Outgoing, Upload } from './drafts.js';
import { newClientMessageId } from './logic.js';

/**
 * Counts sign-outs on this page: a DraftStore made before the latest one never writes to
 * storage again, so an upload or a keystroke finishing after sign-out cannot bring a draft back.
 */
let signOuts = 0;

/**
 * Session storage: a draft survives a reload but not the tab, and never shows in another tab
 * (where the same conversation could hold a different draft). Null where the browser refuses
 * storage; drafts then live as long as the page.
 */
function browserStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** At every sign-out (the button, idle expiry, a session the server ended): every draft on this tab goes. */
export function forgetAllDrafts(storage: Storage | null = browserStorage()): void {
  signOuts++;
  if (!storage) return;
  const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter((k): k is string => k !== null && draft.isDraftKey(k));
  keys.forEach((k) => storage.removeItem(k));
}

/**
 * One person's drafts, by conversation id, in memory and in storage. The composer of whichever
 * conversation is open reads and changes its own draft here; an upload reports back to the
 * conversation it was started in, whatever is open when it finishes.
 */
export class DraftStore {
  private drafts: Drafts;
  private readonly listeners = new Set<() => void>();
  private readonly era = signOuts;
  private readonly key: string;
  /** What storage holds now, so an unchanged text is not written again. */
  private written: string | null;
  private closed = false;

  constructor(userId: string, private readonly storage: Storage | null = browserStorage()) {
    this.key = draft.storageKey(userId);
    this.written = storage?.getItem(this.key) ?? null;
    this.drafts = draft.fromStored(this.written);
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (conversationId: string): Draft => draft.draftOf(this.drafts, conversationId);

  setText(conversationId: string, text: string): void {
    this.set(draft.withText(this.drafts, conversationId, text));
  }

  setReplyTo(conversationId: string, message: Message | null): void {
    this.set(draft.withReplyTo(this.drafts, conversationId, message));
  }

  /** Uploads files for this conversation's next message, as many as it has room for. */
  attach(conversationId: string, files: Iterable<File>): void {
    for (const file of [...files].slice(0, draft.freeSlots(this.get(conversationId)))) {
      const key = newClientMessageId();
      this.set(draft.withUploadAdded(this.drafts, conversationId, { key, name: file.name, progress: 0 }));
      const change = (patch: Partial<Upload>) => this.set(draft.withUploadChanged(this.drafts, conversationId, key, patch));
      const form = new FormData();
      form.append('conversationId', conversationId);
      form.append('file', file, file.name);
      uploadFile<Attachment>('/api/chat/attachments', form, (progress) => change({ progress })).then(
        (attachment) => change({ attachment, progress: 1 }),
        (e: Error) => change({ error: e.message }),
      );
    }
  }

  removeUpload(conversationId: string, key: string): void {
    this.set(draft.withoutUpload(this.drafts, conversationId, key));
  }

  /** The message the draft makes, emptying the draft; null (and the draft kept) when it cannot go yet. */
  take(conversationId: string): Outgoing | null {
    const message = draft.outgoing(this.get(conversationId));
    if (message) this.set(draft.withoutDraft(this.drafts, conversationId));
    return message;
  }

  /** The page is done with this person (sign-out, another person signing in): no more writes. */
  close(): void {
    this.closed = true;
  }

  private set(next: Drafts): void {
    if (next === this.drafts) return;
    this.drafts = next;
    this.persist();
    this.listeners.forEach((l) => l());
  }

  private persist(): void {
    if (this.closed || this.era !== signOuts || !this.storage) return;
    const value = draft.toStored(this.drafts);
    if (value === this.written) return;
    try {
      if (value === null) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, value);
      this.written = value;
    } catch {
      // Storage full or refused: the draft still lives as long as the page, as without storage.
    }
  }
}
