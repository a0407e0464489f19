import { termRanges } from '@carechat/protocol';

const NAME = 'cc-search';

/**
 * Marks the searched words inside a message already on screen through the CSS Custom
 * Highlight API: the message's own elements (its text, its links) stay as they are, and no
 * markup is made from the text. Browsers without the API show the message outlined only.
 */
export function highlightTerms(el: HTMLElement | null, terms: string[]): void {
  const registry = typeof CSS !== 'undefined' ? CSS.highlights : undefined;
  if (!registry) return;
  registry.delete(NAME);
  const text = el?.querySelector('.text');
  if (!text || terms.length === 0) return;
  const ranges: Range[] = [];
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const [start, end] of termRanges(node.textContent ?? '', terms)) {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      ranges.push(range);
    }
  }
  registry.set(NAME, new Highlight(...ranges));
}

/** Removes the marks, when the search closes. */
export function clearHighlights(): void {
  if (typeof CSS !== 'undefined') CSS.highlights?.delete(NAME);
}
