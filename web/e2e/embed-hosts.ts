import { createServer, type Server } from 'node:http';
import type { BrowserContext, Frame, Page } from 'playwright-core';

/**
 * Host pages for the widget's browser tests, each origin a port of its own on localhost (the
 * CareChat test app is on 127.0.0.1: another site). `/host` frames /embed with the `parent`
 * and width it is given, and optionally a sibling frame; `/blank` is that sibling.
 */
export async function serveHostPages(
  port: number,
  carechatUrl: () => string,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/blank') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>another frame</title><p>another frame</p>');
    }
    if (url.pathname !== '/host') return void res.writeHead(404).end();
    const embed = new URL('/embed', carechatUrl());
    embed.searchParams.set('parent', url.searchParams.get('parent') ?? '');
    for (const key of ['with', 'theme']) {
      const value = url.searchParams.get(key);
      if (value) embed.searchParams.set(key, value);
    }
    const width = url.searchParams.get('width') ?? '900';
    const sibling = url.searchParams.get('sibling');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>host</title><body style="margin:0">` +
        `<iframe id="widget" title="Messages" src="${embed}" style="width:${width}px;height:600px;border:0"></iframe>` +
        (sibling ? `<iframe id="sibling" src="${sibling}" style="width:200px;height:100px"></iframe>` : '') +
        `</body>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a top-level host page received by postMessage: recorded from before anything loads. */
export interface Received {
  origin: string;
  data: { type?: string; [field: string]: unknown };
  /** When the page received it (Date.now(), which the frame's clock shares). */
  at: number;
}

declare global {
  interface Window {
    __received?: Received[];
    __firstScreenAt?: number;
  }
}

/** Records every message the top-level page of `context` receives, in `window.__received`. */
export async function recordHostMessages(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (window !== window.top) return;
    const received: Received[] = (window.__received = []);
    window.addEventListener('message', (e) => received.push({ origin: e.origin, data: e.data, at: Date.now() }));
  });
}

export const received = (page: Page): Promise<Received[]> => page.evaluate(() => window.__received ?? []);

/** Waits for the host page to receive a message of `type` (beyond the first `after` of them) and returns it. */
export async function hostGot(page: Page, type: string, after = 0): Promise<Received> {
  const handle = await page.waitForFunction(
    ([t, n]) => (window.__received ?? []).filter((m) => m.data?.type === t)[n as number] ?? null,
    [type, after] as const,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as Received;
}

/** The widget's frame in a host page (the iframe titled Messages), once it has loaded. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[title="Messages"]');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the widget iframe has no frame');
  await frame.waitForLoadState();
  return frame;
}

/** Posts `message` from the host page to the widget's frame (origin `carechatUrl`); answers when (Date.now()). */
export const postToWidget = (page: Page, message: Record<string, unknown>, carechatUrl: string): Promise<number> =>
  page.evaluate(
    ([m, target]) => {
      (document.getElementById('widget') as HTMLIFrameElement).contentWindow!.postMessage(m, target);
      return Date.now();
    },
    [message, carechatUrl] as const,
  );

/**
 * The widget's first screen: call `watchFirstScreen` before the token goes, then
 * `firstScreenAt` answers when (Date.now()) the first conversation appeared in its list.
 */
export const watchFirstScreen = (frame: Frame): Promise<void> =>
  // No named function inside: tsx (the bench) would wrap it in a helper the page does not have.
  frame.evaluate(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('.conversation-list .conversation')) return;
      window.__firstScreenAt = Date.now();
      observer.disconnect();
    }).observe(document.body, { childList: true, subtree: true });
  });

export async function firstScreenAt(frame: Frame): Promise<number> {
  const handle = await frame.waitForFunction(() => window.__firstScreenAt ?? null, undefined, { timeout: 15_000 });
  return (await handle.jsonValue()) as number;
}
