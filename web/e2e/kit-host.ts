/**
 * A host page's script for the kit's browser test (kit.e2e.test.ts bundles it with esbuild):
 * it notes how the page's own elements look, then loads the kit's stylesheet and mounts
 * <CareChat /> with the theme, locale and accent the query names, so the test can compare.
 * With `?conversation=<id>` it mounts the components alone instead, as react/README.md shows
 * them: one provider with only the list, another with only that conversation, one client.
 */
import { createElement, type CSSProperties } from 'react';
import { createRoot } from 'react-dom/client';
import { CareChatClient, memoryStorage } from '@carechat/client';
import {
  CareChat,
  CareChatProvider,
  ConversationList,
  ConversationView,
  type Locale,
  type Theme,
} from '@carechat/react';

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
const conversationId = query.get('conversation');
if (conversationId) mountAlone(root, conversationId);
else
  createRoot(root).render(
    createElement(CareChat, {
      client,
      theme: (query.get('theme') ?? 'light') as Theme,
      locale: (query.get('locale') ?? 'en') as Locale,
      style: accent ? ({ '--cc-accent': accent } as CSSProperties) : undefined,
    }),
  );

/** The list in a box of the host's, beside (on a phone above) another box with one conversation. */
function mountAlone(box: HTMLElement, id: string) {
  const style = document.createElement('style');
  style.textContent = `
    #chat { display: flex; gap: 8px; }
    #chat-list { flex: 0 0 340px; min-width: 0; }
    #chat-view { flex: 1; min-width: 0; }
    @media (max-width: 760px) { #chat { flex-direction: column; } #chat-list { flex-basis: 220px; } }`;
  document.head.append(style);
  const listBox = Object.assign(document.createElement('div'), { id: 'chat-list' });
  const viewBox = Object.assign(document.createElement('div'), { id: 'chat-view' });
  box.append(listBox, viewBox);
  const list = createElement(ConversationList);
  const view = createElement(ConversationView, { id });
  createRoot(listBox).render(createElement(CareChatProvider, { client, children: list }));
  createRoot(viewBox).render(createElement(CareChatProvider, { client, children: view }));
}
