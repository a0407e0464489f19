import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { hashPassword } from '../../server/src/auth/password.js';
import { startTestApp, uniqueId, type TestApp } from '../../server/src/test/app.js';
import type { TestUser } from '../../server/src/test/factories.js';
import { HttpClient } from '../../server/src/test/http-client.js';
import { upsertUsers } from '../../server/src/users/users.store.js';

/** Debian's Chromium: the browser tests skip where it is not installed. */
export const CHROMIUM = '/usr/bin/chromium';

/** The widths every screen is designed and tested at (STYLE.md: phone first). */
export const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
} as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * The app (with the test clamd) and Chromium, started before the enclosing describe's tests and
 * stopped after them; read `app` and `browser` from the tests and hooks, not before.
 */
export function useBrowserApp(): { readonly app: TestApp; readonly browser: Browser } {
  const started: { app?: TestApp; browser?: Browser } = {};
  beforeAll(async () => {
    started.app = await startTestApp({ CLAMD_URL: inject('clamdUrl') });
    started.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await started.browser?.close();
    await started.app?.close();
  });
  const running = <K extends keyof typeof started>(key: K) => {
    const value = started[key];
    if (!value) throw new Error(`the ${key} is used before beforeAll started it`);
    return value as NonNullable<(typeof started)[K]>;
  };
  return {
    get app() {
      return running('app');
    },
    get browser() {
      return running('browser');
    },
  };
}

export type PersonWithPassword = TestUser & { email: string };

/** A person who signs in with a password in the browser, and an API client signed in as them. */
export async function personWithPassword(app: TestApp, role: 'PATIENT' | 'DOCTOR' | 'ADMIN', name: string): Promise<PersonWithPassword> {
  const id = uniqueId(role.toLowerCase());
  const email = `${id}@e2e.test`;
  await upsertUsers(app.db, [{ id, name, email, role, status: 'active', passwordHash: await hashPassword('e2e-password') }]);
  const login = await app.anon.post('/api/auth/login', { email, password: 'e2e-password' });
  return { id, name, role, token: login.body.accessToken, api: new HttpClient(app.url, login.body.accessToken), email };
}

/** Fills in the sign-in form on a page already showing it, and waits for the app. */
export async function signInOnPage(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('e2e-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').first().waitFor();
}

/** A new browser context (its own cookies and storage) signed in as `email`. */
export async function signIn(
  browser: Browser,
  app: TestApp,
  email: string,
  options: { prepare?: (context: BrowserContext) => Promise<void>; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  await options.prepare?.(context);
  const page = await context.newPage();
  await page.goto(app.url);
  await signInOnPage(page, email);
  return page;
}
