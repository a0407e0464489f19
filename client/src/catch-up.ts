import { MAX_CHANGES_PAGE_SIZE, type MessagePage } from '@carechat/protocol';
import type { Core } from './core.js';
import { query } from './http.js';
import { withChanges } from './sync/changes.js';

/**
 * Fetches what a loaded thread missed, from the last rev this client saw: after a reconnect,
 * after a seq gap (a broadcast that never came) and when a conversation's lastRev moves past
 * what was seen. One catch-up at a time per thread.
 */
export class CatchUp {
  private readonly running = new Set<string>();

  constructor(private readonly core: Core) {}

  /** Every loaded thread, one after another. */
  async all(): Promise<void> {
    for (const id of Object.keys(this.core.state.get().threads)) await this.thread(id);
  }

  /** In the background; a failure waits for the next reconnect or gap. */
  soon(id: string, since?: number): void {
    if (this.running.has(id)) return;
    this.running.add(id);
    void this.thread(id, since)
      .catch(() => undefined)
      .finally(() => this.running.delete(id));
  }

  /** Every change to a loaded thread after `since` (default: the last rev seen), page by page. */
  async thread(id: string, since = this.core.state.get().revs[id] ?? 0): Promise<void> {
    for (let from = since; ;) {
      const page = await this.core.http<MessagePage>(
        'GET',
        `/api/chat/conversations/${id}/changes${query({ since: from, limit: MAX_CHANGES_PAGE_SIZE })}`,
      );
      const thread = this.core.state.get().threads[id];
      if (!thread) return;
      this.core.state.setThread(id, withChanges(thread, page.data), page.data);
      const last = page.data.at(-1);
      if (!page.hasMore || !last) return;
      from = last.rev;
    }
  }
}
