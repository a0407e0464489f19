import type { Browser } from 'playwright-core';
// The widget's browser tests' host page and probes: the bench drives the frame as they do.
import {
  firstScreenAt,
  hostGot,
  postToWidget,
  recordHostMessages,
  serveHostPages,
  watchFirstScreen,
  widgetFrame,
} from '../../web/e2e/embed-hosts.js';
import { provisionPairs } from './load/provision.js';
import type { BenchServer } from './server.js';
import { summarize } from './stats.js';

/**
 * The /embed widget's first screen, framed by a host page on another site (localhost, the
 * server being on 127.0.0.1; `hostPort` must be in the server's EMBED_ORIGINS): from the host
 * posting carechat:auth to the host hearing carechat:signed-in, and to the frame's conversation
 * list showing the person's conversation. Each round is a new person in a new browser context,
 * so the frame loads cold; the clock starts once the frame has said carechat:ready.
 */
export async function widgetScenario(browser: Browser, server: BenchServer, hostPort: number, rounds: number) {
  const pairs = await provisionPairs(server, rounds, { conversations: true, tag: `w${Date.now().toString(36)}` });
  const host = await serveHostPages(hostPort, () => server.url);
  const toSignedIn: number[] = [];
  const toList: number[] = [];
  try {
    for (const pair of pairs) {
      const context = await browser.newContext();
      try {
        await recordHostMessages(context);
        const page = await context.newPage();
        await page.goto(`${host.origin}/host?parent=${encodeURIComponent(host.origin)}`);
        await hostGot(page, 'carechat:ready');
        const frame = await widgetFrame(page);
        await watchFirstScreen(frame);
        const sentAt = await postToWidget(page, { type: 'carechat:auth', token: pair.patientToken }, server.url);
        const signedIn = await hostGot(page, 'carechat:signed-in');
        const shownAt = await firstScreenAt(frame);
        toSignedIn.push(signedIn.at - sentAt);
        toList.push(shownAt - sentAt);
      } finally {
        await context.close();
      }
    }
  } finally {
    await host.close();
  }
  return { authToSignedInMs: summarize(toSignedIn), authToListMs: summarize(toList) };
}
