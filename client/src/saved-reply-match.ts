import { MAX_SAVED_REPLY_NAME_LENGTH } from '@carechat/protocol';

/**
 * What the composer's "/" looks for: the text after a "/" that starts the draft, or null when
 * the draft is no such search (no "/" first, a line break, longer than any name could be).
 */
export function slashQuery(text: string): string | null {
  if (!text.startsWith('/') || /[\r\n]/.test(text) || text.length > MAX_SAVED_REPLY_NAME_LENGTH + 1) return null;
  return text.slice(1);
}

/** Case and accents aside, and spaces runs as one: "Resultados análisis" is found by "/analisis". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The replies whose name matches `query`, best first: names that start with it, then names with
 * a word that does, then names that hold it anywhere; the given order (by name) within each.
 * An empty query matches all. At most `limit`.
 */
export function matchSavedReplies<T extends { name: string }>(replies: readonly T[], query: string, limit = 20): T[] {
  const q = fold(query);
  const rank = (name: string): number => {
    const n = fold(name);
    if (n.startsWith(q)) return 0;
    if (n.includes(` ${q}`)) return 1;
    return n.includes(q) ? 2 : 3;
  };
  return replies
    .map((reply, i) => ({ reply, i, rank: rank(reply.name) }))
    .filter((r) => r.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, limit)
    .map((r) => r.reply);
}
