import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type ReactNode,
} from 'react';
import type { CareChatClient } from '@carechat/client';
import type { Strings } from '../i18n/en.js';
import { resolveStrings, type Locale } from '../i18n/strings.js';
import type { DateLocale } from './format.js';
import { useResolvedTheme, type Theme } from './theme.js';
import '../styles/kit.css';

/** What every kit component reads: the client it renders, its words and how it writes dates. */
export interface Kit {
  client: CareChatClient;
  strings: Strings;
  dateLocale: DateLocale;
}

const KitContext = createContext<Kit | null>(null);

export interface CareChatProviderProps {
  client: CareChatClient;
  /** The shipped language (English by default); also how dates are written. */
  locale?: Locale;
  /** Any string replaced, over the locale's. */
  strings?: Partial<Strings>;
  /** Light (default), dark, or the system's (`auto`); the colours themselves are the `--cc-*` custom properties. */
  theme?: Theme;
  className?: string;
  style?: CSSProperties;
  children: ReactNode;
}

/**
 * The kit's root: the client, the strings and the theme for every component inside, and the
 * one element (`.cc-root`) every kit style is scoped under, so nothing reaches the host's page.
 * A client that does not know who is signed in yet is connected first; the components inside
 * render once it does.
 */
export function CareChatProvider(props: CareChatProviderProps) {
  const { client, locale, strings, theme = 'light', className, style, children } = props;
  const kit = useMemo(
    () => ({ client, strings: resolveStrings(locale, strings), dateLocale: locale }),
    [client, locale, strings],
  );
  const resolvedTheme = useResolvedTheme(theme);
  const signedIn = useSyncExternalStore(client.subscribe, () => client.getSnapshot().me !== null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!client.getSnapshot().me) client.connect().catch((e: Error) => setFailed(e.message));
  }, [client]);
  return (
    <KitContext.Provider value={kit}>
      <div className={className ? `cc-root ${className}` : 'cc-root'} data-theme={resolvedTheme} style={style}>
        {signedIn ? (
          children
        ) : (
          <p className={failed ? 'status error' : 'status muted'} role="status">
            {failed ?? kit.strings.loading}
          </p>
        )}
      </div>
    </KitContext.Provider>
  );
}

/** The kit's context; a component outside a `CareChatProvider` (or `<CareChat />`) is a host's mistake. */
export function useKit(): Kit {
  const kit = useContext(KitContext);
  if (!kit) throw new Error('CareChat components must be inside <CareChatProvider> or <CareChat>');
  return kit;
}
