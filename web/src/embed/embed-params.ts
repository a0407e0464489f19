/** What the widget page is told by its URL and by the server (protocol.md, "Embedding"). */
export interface EmbedParams {
  /** The host page's origin: the only one the frame posts to and listens to. */
  parent: string;
  /** Open the conversation with this person at start. */
  withUserId: string | null;
  theme: 'light' | 'dark';
}

/**
 * Reads `?parent=&with=&theme=` against the origins the server allows (space-separated, as
 * browsers write origins). A `parent` that is not one of them is an error: the page then posts nothing,
 * since a token handed by a page the operator never listed must not be taken.
 */
export function readEmbedParams(search: string, allowedOrigins: string): EmbedParams | { error: string } {
  const query = new URLSearchParams(search);
  const parent = query.get('parent');
  if (!parent) return { error: 'The page showing this chat did not say who it is (parent).' };
  // Exactly as the server lists them and as `location.origin` writes one: nothing to normalise.
  if (!allowedOrigins.split(/\s+/).includes(parent)) return { error: 'This chat may not be shown on this site.' };
  return {
    parent,
    withUserId: query.get('with') || null,
    theme: query.get('theme') === 'dark' ? 'dark' : 'light',
  };
}
