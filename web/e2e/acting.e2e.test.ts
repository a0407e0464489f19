import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLAMD_BINARY } from '../../server/src/test/clamd.js';
import { upload } from '../../server/src/test/factories.js';
import { cleanPng, pdf } from '../../server/src/test/files.js';
import { connectClient } from '../../server/src/test/socket-client.js';
import { accountAction, CHROMIUM, composerOf, openConversation, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { pairInConversation, sideways } from './history.js';

/**
 * The test clamd behind a switch: while `down`, every connection is cut as a scanner that
 * stopped would (the server answers SCAN_UNAVAILABLE); otherwise bytes go both ways untouched.
 */
function clamdSwitch() {
  const state = { down: false, url: '' };
  const server = net.createServer((socket) => {
    if (state.down || !inject('clamdUrl')) return socket.destroy();
    const target = new URL(inject('clamdUrl'));
    const upstream = net.connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}

describe.skipIf(!existsSync(CHROMIUM))('acting on messages, at phone and desktop widths', () => {
  const clamd = clamdSwitch();
  const started = useBrowserApp(() => ({ CLAMD_URL: clamd.url }));

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`grows with wrapped text to 40 % of the screen, then scrolls; counts near the end (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor } = await pairInConversation(app, `Pat Composer ${size}`, `Dr. Composer ${size}`);
      const page = await signIn(browser, app, patient.email, { viewport });
      await openConversation(page, doctor.name);
      const composer = composerOf(page);
      const box = () =>
        composer.evaluate((el) => ({
          height: el.getBoundingClientRect().height,
          overflow: getComputedStyle(el).overflowY,
          scrolls: el.scrollHeight > el.clientHeight,
        }));
      const one = await box();
      // No line break at all: only wrapping makes these lines.
      // A few lines' worth at either width (a phone's composer is a third of a desktop's).
      await composer.fill('word '.repeat(size === 'phone' ? 20 : 60));
      const wrapped = await box();
      expect(wrapped.height).toBeGreaterThan(one.height * 1.8);
      expect(wrapped.overflow).toBe('hidden');
      expect(wrapped.scrolls).toBe(false);

      await composer.fill('word '.repeat(900));
      const full = await box();
      expect(full.height).toBeLessThanOrEqual(viewport.height * 0.4 + 1);
      expect(full.height).toBeGreaterThan(viewport.height * 0.4 - 30);
      expect(full.overflow).toBe('auto');
      expect(full.scrolls).toBe(true);
      // Far from the limit, no counter; near it, how many are left.
      expect(await page.getByText(/characters left/).count()).toBe(0);
      await composer.fill('a'.repeat(4800));
      await page.getByText('200 characters left').waitFor();
      // Emptied, it is one line again.
      await composer.fill('');
      expect((await box()).height).toBe(one.height);
      expect(await sideways(page)).toBe(0);
      await page.context().close();
    }, 60_000);

    it(`shows the other person typing on their row and in the thread's head (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(
        app,
        `Pat Typing ${size}`,
        `Dr. Typing ${size}`,
      );
      const page = await signIn(browser, app, patient.email, { viewport });
      const row = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Typing/ });
      await row.waitFor();
      const socket = await connectClient(app.url, { token: doctor.token });
      try {
        await socket.emitAck('chat:typing:start', { conversationId: conversation.id });
        await row.getByText('typing…').waitFor();
        await socket.emitAck('chat:typing:stop', { conversationId: conversation.id });
        await expect.poll(() => row.getByText('typing…').count()).toBe(0);
        expect(await row.textContent()).toContain('No messages yet');

        await openConversation(page, doctor.name);
        const head = page.locator('.thread-head');
        await socket.emitAck('chat:typing:start', { conversationId: conversation.id });
        await head.getByText('typing…').waitFor();
        expect(await sideways(page)).toBe(0);
        await socket.emitAck('chat:typing:stop', { conversationId: conversation.id });
        await expect.poll(() => head.getByText('typing…').count()).toBe(0);
      } finally {
        socket.socket.close();
      }
      await page.context().close();
    }, 60_000);

    it(`says in plain words when archiving or the search fails, and when notifications stay on (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor } = await pairInConversation(app, `Pat Errors ${size}`, `Dr. Errors ${size}`);
      const page = await signIn(browser, app, patient.email, {
        viewport,
        // This machine's Chromium reaches no push service: a subscription the browser cannot drop stands in.
        prepare: async (context) => {
          await context.addInitScript(() => {
            const stuck = {
              endpoint: 'https://fcm.googleapis.com/fcm/send/stuck',
              unsubscribe: () => Promise.reject(new Error('push service unreachable')),
              toJSON: () => ({}),
            };
            PushManager.prototype.getSubscription = async () => stuck as unknown as PushSubscription;
          });
        },
      });
      await openConversation(page, doctor.name);
      await page.context().setOffline(true);
      await page.getByRole('button', { name: 'Archive', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'could not be archived' }).waitFor();
      expect(await sideways(page)).toBe(0);

      const back = page.getByRole('button', { name: 'Back to conversations' });
      if (await back.isVisible()) await back.click();
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Errors');
      await page.getByRole('alert').filter({ hasText: 'The search could not be done' }).waitFor();

      // Offline the server cannot forget the subscription, and the browser will not drop it.
      await accountAction(page, 'Notifications');
      const panel = page.getByRole('dialog', { name: 'Notification settings' });
      const toggle = panel.getByRole('checkbox', { name: /Notify me on this device/ });
      await expect.poll(() => toggle.isChecked()).toBe(true);
      await toggle.click();
      await panel.getByRole('alert').filter({ hasText: 'Notifications could not be turned off' }).waitFor();
      expect(await toggle.isChecked()).toBe(true);

      // Back online, the search answers and the alert goes.
      await page.context().setOffline(false);
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Err');
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'search' }).count()).toBe(0);
      await page.context().close();
    }, 60_000);

    it.skipIf(!CLAMD_BINARY)(
      `offers "Try again" for a file the scanner could not check, and sends it then (${size})`,
      async () => {
        const { app, browser } = started;
        const { patient, doctor } = await pairInConversation(app, `Pat Retry ${size}`, `Dr. Retry ${size}`);
        const page = await signIn(browser, app, patient.email, { viewport });
        await openConversation(page, doctor.name);
        clamd.down = true;
        try {
          const chooser = page.waitForEvent('filechooser');
          await page.getByRole('button', { name: 'Attach a file' }).click();
          await (await chooser).setFiles({ name: 'rash.png', mimeType: 'image/png', buffer: await cleanPng(60, 40) });
          const retry = page.getByRole('button', { name: 'Try sending rash.png again' });
          await retry.waitFor();
          await page.getByRole('alert').filter({ hasText: 'scanner is unavailable' }).waitFor();
          expect(await sideways(page)).toBe(0);
          const target = await retry.boundingBox();
          expect(target!.height).toBeGreaterThanOrEqual(viewport.width < 600 ? 44 : 0);
        } finally {
          clamd.down = false;
        }
        await page.getByRole('button', { name: 'Try sending rash.png again' }).click();
        await page.locator('.uploads img[alt="rash.png"]').waitFor();
        expect(await page.getByRole('button', { name: /Try sending/ }).count()).toBe(0);
        await page.getByRole('button', { name: 'Send' }).click();
        await page.locator('.message.mine img[alt="rash.png"]').waitFor();
        await page.context().close();
      },
      60_000,
    );

    it.skipIf(!CLAMD_BINARY)(
      `steps through the thread's pictures by key, button and swipe; opens a PDF from its first page (${size})`,
      async () => {
        const { app, browser } = started;
        const { patient, doctor, conversation } = await pairInConversation(
          app,
          `Pat Pictures ${size}`,
          `Dr. Pictures ${size}`,
        );
        for (const [name, bytes] of [
          ['one.png', await cleanPng(60, 40)],
          ['letter.pdf', pdf()],
          ['two.png', await cleanPng(50, 40)],
          ['three.png', await cleanPng(40, 40)],
        ] as const) {
          const file = await upload(app, doctor, conversation.id, bytes, name);
          expect(file.status).toBe(201);
          const sent = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
            clientMessageId: crypto.randomUUID(),
            attachmentIds: [file.body.id],
          });
          expect(sent.status).toBe(201);
        }
        const context = await browser.newContext({ viewport, hasTouch: true });
        const page = await context.newPage();
        await page.goto(app.url);
        await page.getByLabel('Email').fill(patient.email);
        await page.getByLabel('Password').fill('e2e-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('navigation').first().waitFor();
        await openConversation(page, doctor.name);

        await page.getByRole('link', { name: 'View two.png' }).click();
        const shown = async (name: string) => {
          await expect
            .poll(() => page.getByRole('dialog').evaluateAll((ds) => ds.map((d) => d.getAttribute('aria-label'))))
            .toEqual([name]);
        };
        await shown('two.png');
        await page.getByText('Picture 2 of 3').waitFor();
        await page.keyboard.press('ArrowRight');
        await shown('three.png');
        // The last picture is where the thread ends.
        await page.keyboard.press('ArrowRight');
        await shown('three.png');
        await page.keyboard.press('ArrowLeft');
        await shown('two.png');
        await page.keyboard.press('ArrowLeft');
        await shown('one.png');
        await page.getByRole('button', { name: 'Next picture' }).click();
        await shown('two.png');
        expect(await sideways(page)).toBe(0);

        // A finger swiping leftwards brings the next picture; rightwards the one before.
        const cdp = await context.newCDPSession(page);
        const swipe = async (fromX: number, toX: number) => {
          const y = viewport.height / 2;
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: fromX, y }] });
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: (fromX + toX) / 2, y }] });
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: toX, y }] });
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        };
        const mid = viewport.width / 2;
        await swipe(mid + 100, mid - 100);
        await shown('three.png');
        await swipe(mid - 100, mid + 100);
        await shown('two.png');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

        // The PDF: its first page in the thread, and the browser's viewer in a new tab.
        const card = page.getByRole('link', { name: 'Open letter.pdf' });
        const preview = card.locator('img');
        await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        const opened = context.waitForEvent('page');
        await card.click();
        const tab = await opened;
        await expect.poll(() => tab.url()).toMatch(/^blob:/);
        expect(await tab.evaluate(() => document.contentType)).toBe('application/pdf');
        expect(await sideways(page)).toBe(0);
        await context.close();
      },
      90_000,
    );
  }
});
