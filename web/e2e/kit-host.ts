/**
 * A host page's script for the kit's browser test (kit.e2e.test.ts bundles it with esbuild):
 * it notes how the page's own elements look, then loads the kit's stylesheet and mounts
 * <CareChat /> with the theme, locale and accent the query names, so the test can compare.
 */
import { createElement, type CSSProperties } from 'react';
import { createRoot } from 'react-dom/client';
import { CareChatClient, memoryStorage } from '@carechat/client';
import { CareChat, type Locale, type Theme } from '@carechat/react';

/** What a leaking stylesheet would change: type, colour, box, border, focus, list and cursor. */
const LOOKS = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'box-sizing',
  'display',
  'margin-top',
  'margin-left',
  'padding-top',
  'padding-left',
  'border-top-width',
  'border-top-style',
  'border-top-color',
  'border-top-left-radius',
  'outline-style',
  'cursor',
  'list-style-type',
  'text-align',
];

/** The page's own elements (outside the kit's root) and how each looks. */
function hostLooks(): Record<string, Record<string, string>> {
  const looks: Record<string, Record<string, string>> = {};
  document.querySelectorAll('html, body, #host, #host *').forEach((el, i) => {
    const style = getComputedStyle(el);
    looks[`${i}:${el.tagName.toLowerCase()}.${el.className}`] = Object.fromEntries(
      LOOKS.map((p) => [p, style.getPropertyValue(p)]),
    );
  });
  return looks;
}

const page = window as unknown as {
  __kitToken: string;
  __kitUrl: string;
  __hostBefore: ReturnType<typeof hostLooks>;
  __hostLooks: typeof hostLooks;
};
page.__hostLooks = hostLooks;
page.__hostBefore = hostLooks();

// The kit's stylesheet arrives only now: the looks above are the page without it.
const link = document.createElement('link');
link.rel = 'stylesheet';
link.href = '/kit-host/kit-host.css';
await new Promise((resolve, reject) => {
  link.onload = resolve;
  link.onerror = reject;
  document.head.append(link);
});

const query = new URLSearchParams(window.location.search);
const accent = query.get('accent');
const client = new CareChatClient({ url: page.__kitUrl, token: page.__kitToken, storage: memoryStorage() });
const root = document.getElementById('chat');
if (!root) throw new Error('the host page has no #chat');
createRoot(root).render(
  createElement(CareChat, {
    client,
    theme: (query.get('theme') ?? 'light') as Theme,
    locale: (query.get('locale') ?? 'en') as Locale,
    style: accent ? ({ '--cc-accent': accent } as CSSProperties) : undefined,
  }),
);
