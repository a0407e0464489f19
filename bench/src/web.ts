import type { Browser } from 'playwright-core';
import { launchChromium } from '../../web/e2e/chromium.js';
import { CLIENT_BUDGET_BYTES, gzippedClientBytes } from '../../client/src/bundle-size.js';
import { gzippedKitBytes, KIT_BUDGET_BYTES } from '../../react/src/bundle-size.js';
import type { BenchServer } from './server.js';
import { summarize } from './stats.js';
import { widgetScenario } from './widget.js';

/** The budget for the widget: its first screen within 1 s of the token. */
export const WIDGET_FIRST_SCREEN_BUDGET_MS = 1000;

/**
 * The web app and the widget in Debian's Chromium: sign-in to the app's first screen, the
 * widget's first screen after the host's token (widget.ts), and the client's and the kit's
 * gzipped sizes.
 * `hostPort` is the widget's host page, one of the server's EMBED_ORIGINS.
 */
export async function webScenario(server: BenchServer, hostPort: number, rounds = 8) {
  const browser = await launchChromium();
  try {
    const signInToFirstScreenMs = await signInRounds(browser, server, rounds);
    const widget = await widgetScenario(browser, server, hostPort, rounds);
    return {
      scenario: 'web',
      rounds,
      signInToFirstScreenMs,
      widgetAuthToSignedInMs: widget.authToSignedInMs,
      widgetAuthToListMs: widget.authToListMs,
      widgetBudgetMs: WIDGET_FIRST_SCREEN_BUDGET_MS,
      ...(await bundleSizes()),
    };
  } finally {
    await browser.close();
  }
}

/** The client's and the UI kit's gzipped bytes, as their size tests measure them, and their budgets. */
export async function bundleSizes() {
  const [client, kit] = await Promise.all([gzippedClientBytes(), gzippedKitBytes()]);
  return {
    clientGzippedBytes: client,
    clientBudgetBytes: CLIENT_BUDGET_BYTES,
    kitGzippedBytes: kit,
    kitBudgetBytes: KIT_BUDGET_BYTES,
  };
}

/** Click "Sign in" as the demo patient → the conversation list shown, in a new context each round. */
async function signInRounds(browser: Browser, server: BenchServer, rounds: number) {
  const firstScreen: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel('Email').fill('alice@carechat.test');
    await page.getByLabel('Password').fill('carechat-demo');
    const t0 = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.getByText('Choose a conversation').waitFor();
    firstScreen.push(performance.now() - t0);
    await context.close();
  }
  return summarize(firstScreen);
}
