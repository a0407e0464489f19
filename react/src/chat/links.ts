/**
 * Splits message text into plain text and the things people tap: web links (http and https
 * only), e-mail addresses and phone numbers. Pure, so it is tested without a browser; the view
 * renders each token as a React element, never as HTML, so nothing in a message becomes markup
 * (`javascript:`, `data:`, `<a href>` typed into a message stay text).
 */
export type Token = { kind: 'text'; text: string } | { kind: 'url' | 'email' | 'phone'; text: string; href: string };

// One pass: a web address, an e-mail address, or a run of digits that may be a phone number.
const CANDIDATE = new RegExp(
  [
    /(https?:\/\/[^\s<>"]+)/.source,
    /([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/.source,
    /(\+?(?:\(\d{1,4}\)|\d+)(?:[ .-]?(?:\(\d{1,4}\)|\d+))*)/.source,
  ].join('|'),
  'gi',
);
const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Punctuation that ends a sentence more often than a URL. */
const TRAILING = /[.,;:!?'"*]$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let plain = 0;
  const push = (token: Token, start: number) => {
    if (start > plain) tokens.push({ kind: 'text', text: text.slice(plain, start) });
    tokens.push(token);
    plain = start + token.text.length;
  };
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    const [found, url, email, phone] = m;
    const before = text[m.index - 1] ?? '';
    if (url !== undefined) {
      const link = trimUrl(url);
      const href = WORD_CHAR.test(before) ? null : webHref(link);
      if (href) push({ kind: 'url', text: link, href }, m.index);
      // The trimmed tail is read again: it may hold something else.
      CANDIDATE.lastIndex = m.index + (href ? link.length : found.length);
    } else if (email !== undefined) {
      const address = email.replace(/\.+$/, '');
      push({ kind: 'email', text: address, href: `mailto:${address}` }, m.index);
      CANDIDATE.lastIndex = m.index + address.length;
    } else if (phone !== undefined) {
      const after = text[m.index + found.length] ?? '';
      const href = WORD_CHAR.test(before) || WORD_CHAR.test(after) ? null : telHref(phone);
      if (href) push({ kind: 'phone', text: phone, href }, m.index);
    }
  }
  if (plain < text.length) tokens.push({ kind: 'text', text: text.slice(plain) });
  return tokens;
}

/** The URL without the sentence's punctuation after it, or a closing bracket it did not open. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u.at(-1) ?? '';
    const opener = CLOSERS[last];
    if (TRAILING.test(u)) u = u.slice(0, -1);
    else if (opener && count(u, opener) < count(u, last)) u = u.slice(0, -1);
    else return u;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/**
 * The address a link opens: http or https with a host right after the "//", else null (the text
 * stays text). `https:///host` parses as `https://host/`, a link going elsewhere than it reads.
 */
function webHref(text: string): string | null {
  if (!/^https?:\/\/[^/\\]/i.test(text)) return null;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * `tel:` for 7 to 15 digits (the international maximum), with single spaces, dots, dashes or
 * brackets between groups; dates (2026-12-07, 07.12.2026) and decimals (3.14159265) are not numbers to call.
 */
function telHref(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  if (/^\d{4}[.-]\d{1,2}[.-]\d{1,2}$/.test(text) || /^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$/.test(text)) return null;
  if (/^\d+\.\d+$/.test(text)) return null;
  return `tel:${text.startsWith('+') ? '+' : ''}${digits}`;
}
