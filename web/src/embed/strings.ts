import type { Locale } from '@carechat/react';

/** What the widget says around the kit: before the host's token is taken, after sign-out, when it failed. */
export interface EmbedStrings {
  waiting: string;
  signedOut: string;
  failed: (code: string) => string;
}

/**
 * The widget's own lines, in each language the kit ships (keyed by the kit's `Locale`, so a
 * language added to the kit is missing here until translated) and chosen as the kit's are:
 * by the `locale` the widget is given, English by default.
 */
export const EMBED_STRINGS: Record<Locale, EmbedStrings> = {
  en: {
    waiting: 'Connecting to your messages…',
    signedOut: 'You are signed out of messages.',
    failed: (code) => `Your messages could not be opened (${code}). Try reloading the page.`,
  },
  es: {
    waiting: 'Conectando con tus mensajes…',
    signedOut: 'Has cerrado la sesión de los mensajes.',
    failed: (code) => `No se pudieron abrir tus mensajes (${code}). Prueba a recargar la página.`,
  },
};
