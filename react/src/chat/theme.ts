import { useSyncExternalStore } from 'react';

/** Light, dark, or `auto`: whichever the person's system prefers, following it when it changes. */
export type Theme = 'light' | 'dark' | 'auto';

const DARK_QUERY = '(prefers-color-scheme: dark)';

const subscribe = (listener: () => void) => {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
};
const prefersDark = () => window.matchMedia(DARK_QUERY).matches;

/** The theme the root wears (`data-theme`): `auto` resolved by the system's preference. */
export function useResolvedTheme(theme: Theme): 'light' | 'dark' {
  // Without a window (server rendering) `auto` is light until the browser takes over.
  const dark = useSyncExternalStore(subscribe, prefersDark, () => false);
  return theme === 'auto' ? (dark ? 'dark' : 'light') : theme;
}
