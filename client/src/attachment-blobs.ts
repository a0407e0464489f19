import { answerOf, authOf, NETWORK_MESSAGE } from './http.js';
import { CareChatError } from './errors.js';

/** One shown attachment: its object URL once fetched, and `release` when it leaves the screen. */
export interface AttachmentLease {
  url: Promise<string>;
  release(): void;
}

interface Entry {
  url: Promise<string>;
  /** How many views show it now; at 0 it waits among the idle ones. */
  shown: number;
  /** Once fetched: so a revoke takes effect at once, not a tick later. */
  objectUrl?: string;
}

/** Object URLs kept after they leave the screen, so scrolling back or reopening one does not fetch again. */
const IDLE_KEPT = 12;

/**
 * Attachments fetched with the bearer token and shown through object URLs: a token never goes
 * in a URL (logs, history, Referer), and an `<img src>` cannot carry a header. Entries are
 * counted per view; unshown ones stay in a small cache, and the oldest is revoked beyond it.
 */
export class AttachmentBlobs {
  private readonly entries = new Map<string, Entry>();
  /** Keys shown by no view, oldest first (a Set keeps insertion order). */
  private readonly idle = new Set<string>();

  constructor(
    private readonly fetchBytes: (url: string) => Promise<Blob>,
    private readonly urlOf: (id: string, thumbnail: boolean) => string,
  ) {}

  lease(id: string, thumbnail: boolean): AttachmentLease {
    const key = this.urlOf(id, thumbnail);
    let entry = this.entries.get(key);
    if (!entry) {
      const created: Entry = { url: Promise.resolve(''), shown: 0 };
      created.url = this.fetchBytes(key).then((blob) => this.created(key, created, blob));
      // A refused fetch is not cached: the next view asks again.
      created.url.catch(() => this.entries.get(key) === created && this.entries.delete(key));
      this.entries.set(key, (entry = created));
    }
    entry.shown++;
    this.idle.delete(key);
    const held = entry;
    let released = false;
    return {
      url: entry.url,
      release: () => {
        if (released) return;
        released = true;
        if (--held.shown > 0 || this.entries.get(key) !== held) return;
        this.idle.add(key);
        for (const oldest of this.idle) {
          if (this.idle.size <= IDLE_KEPT) break;
          this.revoke(oldest);
        }
      },
    };
  }

  /** Every URL revoked: the session ended, nothing of it stays reachable on the page. */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.revoke(key);
  }

  /** The object URL for fetched bytes; bytes that arrive after their entry was revoked get one already revoked. */
  private created(key: string, entry: Entry, blob: Blob): string {
    const url = URL.createObjectURL(blob);
    if (this.entries.get(key) === entry) entry.objectUrl = url;
    else URL.revokeObjectURL(url);
    return url;
  }

  private revoke(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    this.idle.delete(key);
    if (entry?.objectUrl) URL.revokeObjectURL(entry.objectUrl);
  }
}

/** GET `url` with the token in the header: the bytes, or the API's error. */
export async function fetchWithToken(url: string, token: string | undefined): Promise<Blob> {
  const { headers, credentials } = authOf(token);
  let res: Response;
  try {
    res = await fetch(url, { headers, credentials });
  } catch {
    throw new CareChatError('NETWORK', NETWORK_MESSAGE);
  }
  if (!res.ok) answerOf(res.status, await res.text().catch(() => ''), 'The file could not be opened');
  return res.blob();
}
