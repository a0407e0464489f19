import { chromium } from 'playwright-core';
import type { BenchServer } from './server.js';
import { summarize } from './stats.js';

/** Sign-in to first screen in Debian's Chromium: click "Sign in" → the conversation list shown. */
export async function webScenario(server: BenchServer, rounds = 8) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const firstScreen: number[] = [];
  try {
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
  } finally {
    await browser.close();
  }
  return { scenario: 'web', rounds, signInToFirstScreenMs: summarize(firstScreen) };
}
