/**
 * How words are found in a message, one rule for the server (which decides what matches) and
 * the kit (which marks the words in what it shows): each word of the query must begin a word
 * of the text, ignoring case and accents ("cafe" finds "Café", "diab" finds "diabetes", "in"
 * does not find "pain"). No lookbehind: older Safari cannot even parse it.
 */

/** Letters and digits make words; anything else separates them. */
const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const NOT_ASCII = /[^ -~\t\n\r]/;

/** Lower case without accents: "Ñandú" → "nandu". Lengths may differ from the input's. */
export const foldText = (text: string): string =>
  // ASCII has no accents to take off: most messages skip the normalization, the costly part.
  NOT_ASCII.test(text)
    ? // Greek's final sigma folds as any sigma: lower-casing a whole text makes one, a letter alone never.
      text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(/ς/g, 'σ')
    : text.toLowerCase();

/** The distinct words of a query, folded; empty when it holds no letter or digit. */
export function searchTerms(query: string): string[] {
  return [...new Set(foldText(query).match(WORD) ?? [])];
}

/** Whether the UTF-16 unit is part of a word: ASCII by its code, the rest by its Unicode category. */
function isWordUnit(code: number): boolean {
  if (code < 0x80) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(String.fromCharCode(code));
}

/** Whether `term` occurs in `folded` where no letter or digit comes just before it. */
function beginsAWord(folded: string, term: string): boolean {
  for (let at = folded.indexOf(term); at !== -1; at = folded.indexOf(term, at + 1))
    if (at === 0 || !isWordUnit(folded.charCodeAt(at - 1))) return true;
  return false;
}

/**
 * A test for "every term begins a word of this text". The server runs it on thousands of
 * messages per search: each text is folded once, then searched with indexOf, no regex.
 */
export function termMatcher(terms: string[]): (text: string) => boolean {
  return (text) => {
    if (terms.length === 0) return false;
    const folded = foldText(text);
    return terms.every((t) => beginsAWord(folded, t));
  };
}

/** Where in `text` (UTF-16 offsets of the original) each word beginning with a term is, in order. */
export function termRanges(text: string, terms: string[]): [number, number][] {
  if (terms.length === 0) return [];
  // Fold code point by code point, remembering where each folded unit came from.
  let folded = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldText(ch);
    folded += f;
    for (let k = 0; k < f.length; k++) from.push(i);
    i += ch.length;
  }
  from.push(text.length);
  const ranges: [number, number][] = [];
  for (let at = 0; at < folded.length; at++) {
    if (at > 0 && LETTER_OR_DIGIT.test(folded[at - 1] ?? '')) continue;
    const term = terms.find((t) => folded.startsWith(t, at));
    if (!term) continue;
    const start = from[at] ?? text.length;
    // The range ends after the last original character the term's folded units came from.
    const lastUnit = from[at + term.length - 1] ?? start;
    const lastChar = text.codePointAt(lastUnit) ?? 0;
    let end = lastUnit + (lastChar > 0xffff ? 2 : 1);
    // Marks that followed it in the original (a decomposed accent) belong to it too.
    while (end < text.length && MARKS_ONLY.test(text[end] ?? '')) end++;
    ranges.push([start, end]);
    at += term.length - 1;
  }
  return ranges;
}

const MARKS_ONLY = /^\p{M}$/u;

/** Around the first hit: at most `length` characters of the text, "…" where it was cut. */
export function snippetAround(text: string, terms: string[], length = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const first = termRanges(flat, terms)[0]?.[0] ?? 0;
  // A little context before the hit, the rest after it.
  let start = Math.max(0, Math.min(first - 30, flat.length - length));
  // Start and end on whole code points, never half an emoji.
  if (/[\uDC00-\uDFFF]/.test(flat[start] ?? '')) start++;
  let end = Math.min(flat.length, start + length);
  if (/[\uD800-\uDBFF]/.test(flat[end - 1] ?? '')) end--;
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}
