import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { searchTerms, type MessageSearchHit } from '@carechat/protocol';
import { relativeTime } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { Marked } from './Marked.js';

interface Props {
  conversationId: string;
  /** Shows a hit in the thread: its window loaded, scrolled to, its words marked. */
  onJump: (hit: MessageSearchHit, terms: string[]) => void;
  onClose: () => void;
}

interface Results {
  /** The query these hits answer. */
  q: string;
  hits: MessageSearchHit[];
  hasMore: boolean;
}

/**
 * The bar that searches one conversation on the server (it alone holds the keys): hits newest
 * first, Enter or ↓ goes to the next older one, Shift+Enter or ↑ back, Escape closes. The list of
 * hits shows until one is chosen; then the thread shows it in context.
 */
export function ThreadSearch({ conversationId, onJump, onClose }: Props) {
  const { client, strings: t, dateLocale } = useKit();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [index, setIndex] = useState(-1);
  const [failed, setFailed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const asked = useRef('');

  useEffect(() => input.current?.focus(), []);

  const run = async (query: string): Promise<Results | null> => {
    asked.current = query;
    if (searchTerms(query).length === 0) {
      setResults(null);
      return null;
    }
    try {
      const page = await client.search(conversationId, query);
      // An answer to a query typed over since is dropped.
      if (asked.current !== query) return null;
      const fresh = { q: query, ...page, hits: page.data };
      setResults(fresh);
      setFailed(false);
      return fresh;
    } catch {
      if (asked.current === query) setFailed(true);
      return null;
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => void run(q), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run reads the latest props; q alone starts a search
  }, [q]);

  const go = async (to: number) => {
    let current = results?.q === q ? results : await run(q);
    if (!current || to < 0) return;
    if (to >= current.hits.length && current.hasMore) {
      const last = current.hits.at(-1);
      const more = await client.search(conversationId, q, last?.seq).catch(() => null);
      if (!more || asked.current !== q) return;
      current = { q, hits: [...current.hits, ...more.data], hasMore: more.hasMore };
      setResults(current);
    }
    const hit = current.hits[to];
    if (!hit) return;
    setIndex(to);
    onJump(hit, searchTerms(q));
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const step =
      e.key === 'ArrowDown' || (e.key === 'Enter' && !e.shiftKey)
        ? 1
        : e.key === 'ArrowUp' || e.key === 'Enter'
          ? -1
          : 0;
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (step) {
      e.preventDefault();
      void go(index + step);
    }
  };

  const hits = results?.q === q ? results.hits : [];
  const terms = searchTerms(q);
  const count = results?.q === q ? t.searchResults(hits.length, results.hasMore) : '';
  return (
    <div className="thread-search" role="search">
      <div className="search-bar">
        <input
          ref={input}
          type="search"
          aria-label={t.searchMessages}
          placeholder={t.searchMessages}
          value={q}
          onChange={(e) => (setQ(e.target.value), setIndex(-1))}
          onKeyDown={handleKeyDown}
          enterKeyHint="search"
        />
        <span className="muted small" aria-live="polite">
          {failed ? t.searchFailed : index >= 0 ? t.hitOf(index + 1, hits.length, results?.hasMore ?? false) : count}
        </span>
        <button
          type="button"
          className="link"
          aria-label={t.newerHit}
          disabled={index <= 0}
          onClick={() => void go(index - 1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="link"
          aria-label={t.olderHit}
          disabled={hits.length === 0 || (index >= hits.length - 1 && !results?.hasMore)}
          onClick={() => void go(index + 1)}
        >
          ↓
        </button>
        <button type="button" className="link" aria-label={t.closeSearch} onClick={onClose}>
          ✕
        </button>
      </div>
      {index < 0 && hits.length > 0 && (
        <ul className="search-results" aria-label={t.searchMessages}>
          {hits.map((h, i) => (
            <li key={h.messageId}>
              <button type="button" onClick={() => void go(i)}>
                <Marked text={h.snippet} terms={terms} />
                <time className="muted small" dateTime={h.createdAt}>
                  {relativeTime(h.createdAt, t, dateLocale)}
                </time>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
