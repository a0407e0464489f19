import {
  searchTerms,
  snippetAround,
  termMatcher,
  type MessageSearchHit,
  type MessageSearchPage,
  type MessageSearchQuery,
} from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { assertParticipant, dataKeyOf } from '../conversations/access.js';
import { findConversationAccess } from '../conversations/conversations.store.js';
import { decryptBody } from './messages.present.js';
import { findSearchableBatch, type SearchableRow } from './search.store.js';

/**
 * Rows read per batch: a small first one (a common word fills its page from the newest
 * messages), then larger ones so a rare word's walk through a long history takes few round trips.
 */
const BATCHES = [200, 1000, 2500];
const batchSize = (n: number) => BATCHES[Math.min(n, BATCHES.length - 1)] ?? 2500;
/** Above any seq: `before` when none is given. */
const NEWEST = 2_147_483_647;

/**
 * Search within one conversation for a participant. The server holds the keys, so it reads
 * the conversation's sealed messages newest first in batches, decrypts them in memory and
 * keeps those whose text holds every word: no index of plaintext exists anywhere. The next
 * batch is already being read while one is decrypted, and the walk stops once the page (and
 * one more hit, for `hasMore`) is found. Audited like any read of content, before it answers;
 * the audit row holds the count, never the words.
 */
export async function searchMessages(
  deps: Deps,
  actor: Actor,
  conversationId: string,
  q: MessageSearchQuery,
): Promise<MessageSearchPage> {
  const conv = await findConversationAccess(deps.db, conversationId);
  assertParticipant(conv, actor);
  const key = dataKeyOf(deps.keyring, conv);
  const terms = searchTerms(q.q);
  const matches = termMatcher(terms);
  const hits: { row: SearchableRow; text: string }[] = [];
  const read = (before: number, n: number) => findSearchableBatch(deps.db, actor.id, conv.id, before, batchSize(n));

  let n = 0;
  let next: Promise<SearchableRow[]> | null = read(q.before ?? NEWEST, n);
  while (next && hits.length <= q.limit) {
    const size = batchSize(n);
    const rows: SearchableRow[] = await next;
    const last = rows.at(-1);
    n++;
    // Read ahead while this batch is decrypted, unless it was the conversation's last.
    next = last && rows.length === size ? read(last.seq, n) : null;
    for (const row of rows) {
      const text = decryptBody(key, conv.id, row.id, row.version, row.body);
      if (matches(text)) hits.push({ row, text });
      if (hits.length > q.limit) break;
    }
  }
  // A read-ahead no longer wanted: its rows are dropped, its error too (the answer is complete).
  next?.catch(() => undefined);

  const shown = hits.slice(0, q.limit);
  await audit(deps.db, actor, {
    action: 'messages.search',
    outcome: 'success',
    conversationId: conv.id,
    details: { count: shown.length, before: q.before ?? null },
  });
  return {
    data: shown.map(({ row, text }): MessageSearchHit => ({
      messageId: row.id,
      seq: row.seq,
      senderId: row.sender_id,
      createdAt: row.created_at.toISOString(),
      snippet: snippetAround(text, terms),
    })),
    hasMore: hits.length > q.limit,
  };
}
