import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the browser tests skip where it is not installed. */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium as the browser tests and the screenshot script drive it (no test runner needed here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
