import { en, type Strings } from './en.js';
import { es } from './es.js';

/** The languages the kit ships; a host adds its own by passing a whole catalogue as `strings`. */
export const CATALOGUES = { en, es } as const;
export type Locale = keyof typeof CATALOGUES;

/** The catalogue for `locale` (English by default) with the host's replacements over it. */
export function resolveStrings(locale: Locale = 'en', overrides: Partial<Strings> = {}): Strings {
  return { ...CATALOGUES[locale], ...overrides };
}
