import type { Attachment, Message } from '@carechat/protocol';
import { newClientMessageId } from './ids.js';
import type { PersistedValue } from './storage.js';
import * as draft from './sync/drafts.js';
import type { Draft, Drafts, Outgoing, Upload } from './sync/drafts.js';

/** Uploads one file into a conversation, reporting the fraction sent. */
export type UploadFile = (
  conversationId: string,
  file: Blob,
  name: string,
  onProgress: (fraction: number) => void,
) => Promise<Attachment>;

/**
 * One person's drafts, by conversation id, in memory and in storage. The composer of whichever
 * conversation is open reads and changes its own draft here; an upload reports back to the
 * conversation it was started in, whatever is open when it finishes.
 */
export class DraftStore {
  private drafts: Drafts = {};
  private readonly listeners = new Set<() => void>();
  private stored: PersistedValue | null = null;
  private closed = false;
  /** The files of failed uploads that may be sent again, by upload key; dropped when sent, removed or closed. */
  private readonly retained = new Map<string, Blob>();

  constructor(private readonly uploadFile: UploadFile) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (conversationId: string): Draft => draft.draftOf(this.drafts, conversationId);

  /**
   * Reads back what the signed-in person left in storage, and keeps writing there. A draft
   * typed before storage answered wins over the stored one of its conversation.
   */
  async restore(stored: PersistedValue): Promise<void> {
    const saved = draft.fromStored(await stored.read());
    if (this.closed) return;
    this.stored = stored;
    this.set({ ...saved, ...this.drafts });
  }

  setText(conversationId: string, text: string): void {
    this.set(draft.withText(this.drafts, conversationId, text));
  }

  setReplyTo(conversationId: string, message: Message | null): void {
    this.set(draft.withReplyTo(this.drafts, conversationId, message));
  }

  /** Uploads files for this conversation's next message, as many as it has room for. */
  attach(conversationId: string, files: Iterable<Blob & { name?: string }>): void {
    for (const file of [...files].slice(0, draft.freeSlots(this.get(conversationId)))) {
      const key = newClientMessageId();
      const name = file.name ?? 'file';
      this.set(draft.withUploadAdded(this.drafts, conversationId, { key, name, progress: 0 }));
      this.send(conversationId, key, file, name);
    }
  }

  /** Sends again a file whose upload failed for a passing reason (`Upload.retryable`). */
  retryUpload(conversationId: string, key: string): void {
    const file = this.retained.get(key);
    const upload = this.get(conversationId).uploads.find((u) => u.key === key);
    if (!file || !upload?.retryable) return;
    this.retained.delete(key);
    this.set(draft.withUploadRestarted(this.drafts, conversationId, key));
    this.send(conversationId, key, file, upload.name);
  }

  removeUpload(conversationId: string, key: string): void {
    this.retained.delete(key);
    this.set(draft.withoutUpload(this.drafts, conversationId, key));
  }

  private send(conversationId: string, key: string, file: Blob, name: string): void {
    const change = (patch: Partial<Upload>) =>
      this.set(draft.withUploadChanged(this.drafts, conversationId, key, patch));
    this.uploadFile(conversationId, file, name, (progress) => change({ progress })).then(
      (attachment) => change({ attachment, progress: 1 }),
      (e: Error & { code?: string }) => {
        const retryable = draft.isRetryableUploadError(e.code);
        // Only a file that may go through on another try is kept (in memory, for this page).
        if (retryable && this.draftHas(conversationId, key)) this.retained.set(key, file);
        change({ error: e.message, retryable });
      },
    );
  }

  private draftHas(conversationId: string, key: string): boolean {
    return this.get(conversationId).uploads.some((u) => u.key === key);
  }

  /** The message the draft makes, emptying the draft; null (and the draft kept) when it cannot go yet. */
  take(conversationId: string): Outgoing | null {
    const message = draft.outgoing(this.get(conversationId));
    if (!message) return null;
    for (const u of this.get(conversationId).uploads) this.retained.delete(u.key);
    this.set(draft.withoutDraft(this.drafts, conversationId));
    return message;
  }

  /** A conversation I no longer take part in: its draft and the files kept for it go, here and in storage. */
  forget(conversationId: string): void {
    for (const u of this.get(conversationId).uploads) this.retained.delete(u.key);
    this.set(draft.withoutDraft(this.drafts, conversationId));
  }

  /** The client is done with this person (sign-out, another person signing in): no more writes. */
  close(): void {
    this.closed = true;
    this.retained.clear();
  }

  private set(next: Drafts): void {
    if (next === this.drafts) return;
    this.drafts = next;
    if (!this.closed) this.stored?.write(draft.toStored(this.drafts));
    this.listeners.forEach((l) => l());
  }
}
