import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { hashPassword } from '../../server/src/auth/password.js';
import { startTestApp, uniqueId, type TestApp } from '../../server/src/test/app.js';
import type { TestUser } from '../../server/src/test/factories.js';
import { HttpClient } from '../../server/src/test/http-client.js';
import { upsertUsers } from '../../server/src/users/users.store.js';
import { launchChromium } from './chromium.js';

export { CHROMIUM, launchChromium } from './chromium.js';

/** The widths every screen is designed and tested at (STYLE.md: phone first). */
export const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
} as const;

/**
 * The app (with the test clamd) and Chromium, started before the enclosing describe's tests and
 * stopped after them; read `app` and `browser` from the tests and hooks, not before. `env` is
 * read when the app starts, after the hooks registered before this call (which may pick ports).
 */
export function useBrowserApp(env: () => Record<string, string> = () => ({})): {
  readonly app: TestApp;
  readonly browser: Browser;
} {
  const started: { app?: TestApp; browser?: Browser } = {};
  beforeAll(async () => {
    started.app = await startTestApp({ CLAMD_URL: inject('clamdUrl'), ...env() });
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

/**
 * A person who signs in with a password in the browser, and an API client signed in as them;
 * a clinician with the host's `designation` ("RN") when given.
 */
export async function personWithPassword(
  app: TestApp,
  role: 'PATIENT' | 'DOCTOR' | 'STAFF' | 'ADMIN',
  name: string,
  designation?: string,
): Promise<PersonWithPassword> {
  const id = uniqueId(role.toLowerCase());
  const email = `${id}@e2e.test`;
  await upsertUsers(app.db, [
    { id, name, email, role, status: 'active', designation, passwordHash: await hashPassword('e2e-password') },
  ]);
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
  options: {
    prepare?: (context: BrowserContext) => Promise<void>;
    viewport?: { width: number; height: number };
    /** The zone the browser lives in (Chromium's default is the machine's). */
    timezoneId?: string;
  } = {},
): Promise<Page> {
  const { viewport, timezoneId } = options;
  const context = await browser.newContext({ ...(viewport && { viewport }), ...(timezoneId && { timezoneId }) });
  await options.prepare?.(context);
  const page = await context.newPage();
  await page.goto(app.url);
  await signInOnPage(page, email);
  return page;
}

/** Uses one of the bar's account actions as a person would: on a phone, through the account menu first. */
export async function accountAction(
  page: Page,
  label: 'Notifications' | 'Saved replies' | 'Two-factor sign-in' | 'Sign out',
) {
  const menu = page.getByRole('button', { name: 'Account menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: label, exact: true }).click();
}

/** Opens the conversation with `name` the way a person would: on a phone, back to the list first. */
export async function openConversation(page: Page, name: string) {
  const back = page.getByRole('button', { name: 'Back to conversations' });
  if (await back.isVisible()) await back.click();
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(name) })
    .click();
  await page.getByRole('region', { name: `Conversation with ${name}` }).waitFor();
}

export const composerOf = (page: Page) => page.getByLabel('Message', { exact: true });

/**
 * Whether `text` is anywhere in this page's storage: session, local, or the client SDK's
 * IndexedDB (where drafts and unsent messages outlive a closed tab). A database the app has
 * not made yet is not opened here: opening it would make it without its store.
 */
export const inStorage = (page: Page, text: string) =>
  page.evaluate(async (needle) => {
    const done = <T>(r: IDBRequest<T>) =>
      new Promise<T>(
        (resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))),
      );
    if ([sessionStorage, localStorage].some((s) => Object.keys(s).some((k) => s.getItem(k)?.includes(needle))))
      return true;
    if (!(await indexedDB.databases()).some((d) => d.name === 'carechat')) return false;
    const db = await done(indexedDB.open('carechat'));
    try {
      if (!db.objectStoreNames.contains('kv')) return false;
      const values = await done(db.transaction('kv').objectStore('kv').getAll());
      return values.some((v) => typeof v === 'string' && v.includes(needle));
    } finally {
      db.close();
    }
  }, text);

/**
 * Every socket.io connection of a browser context passes through here: to the server while the
 * gate is open; refused (and its polling aborted) while it is shut, as when the network drops.
 * Pages and REST still load meanwhile, so a reloaded or reopened tab comes back with its
 * message still unsent.
 */
export async function socketGate(context: BrowserContext) {
  let open = true;
  const live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await context.routeWebSocket(/\/socket\.io\//, (page) => {
    // A route cannot fail a WebSocket, and a clean close before the handshake would leave
    // socket.io waiting out its 20 s connect timeout. A frame it cannot parse is an error to it,
    // which it retries after its usual back-off, as it does a connection that failed.
    if (!open) return void (page.send('refused'), page.close());
    const pair = { page, server: page.connectToServer() };
    live.add(pair);
    page.onClose(() => live.delete(pair));
  });
  await context.route('**/socket.io/**', (route) => (open ? route.continue() : route.abort()));
  return {
    async shut() {
      open = false;
      for (const { page, server } of live) await Promise.all([page.close(), server.close()]);
    },
    reopen: () => void (open = true),
  };
}
