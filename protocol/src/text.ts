import { z } from 'zod';

/**
 * One rule for every piece of text the server takes, shared with the web app. A lone half of
 * a surrogate pair (a client cutting text mid-emoji) cannot survive JSON, PostgreSQL and the
 * other person's JSON unchanged, so sender and reader would see different text: it becomes
 * U+FFFD here, before anything is stored or acknowledged. NUL, which PostgreSQL text cannot
 * hold, is refused where the text is stored as text (message content is stored encrypted, so
 * it may hold one).
 */
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/**
 * `value` with each lone surrogate replaced by U+FFFD: String.prototype.toWellFormed, for
 * browsers without it (and without regex lookbehind, which older Safari cannot even parse).
 */
export const wellFormed = (value: string): string => value.replace(SURROGATES, (s) => (s.length === 2 ? s : '\uFFFD'));

const hasNoNul = (value: string) => !value.includes('\u0000');

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069): in a file name
 * they show "invoice\u202Efdp.exe" as "invoiceexe.pdf".
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export const withoutBidiControls = (value: string): string => value.replace(BIDI_CONTROLS, '');

/** Text a person writes: lone surrogates replaced, trimmed, `min` to `max` characters. */
export const wellFormedText = (min: number, max: number) =>
  z
    .string()
    .overwrite(wellFormed)
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max);

/** Text stored as PostgreSQL text (names, searches): as `wellFormedText`, and no NUL. */
export const text = (min: number, max: number) =>
  wellFormedText(min, max).refine(hasNoNul, 'must not contain NUL characters');

/**
 * An identifier (a host platform's id, a client's message id): compared byte for byte, so it
 * is refused rather than repaired when it holds a lone surrogate or NUL; two different ids
 * must never become one.
 */
export const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => hasNoNul(v) && wellFormed(v) === v, 'must be well-formed text without NUL characters');
