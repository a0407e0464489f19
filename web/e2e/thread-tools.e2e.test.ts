import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sendText } from '../../server/src/test/factories.js';
import { CHROMIUM, openConversation, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { pairInConversation, seedHistory, sideways } from './history.js';

/** Whether the message with this seq is in the thread and inside its visible part. */
const seqOnScreen = (page: Page, seq: number) =>
  page.evaluate((s) => {
    const li = document.querySelector(`li.message[data-seq="${s}"]`);
    const box = document.querySelector('.messages')?.getBoundingClientRect();
    if (!li || !box) return false;
    const r = li.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom;
  }, seq);

describe.skipIf(!existsSync(CHROMIUM))('thread tools in Chromium, at phone and desktop widths', () => {
  const started = useBrowserApp();

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`searches a conversation and jumps to each hit in context (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(
        app,
        `Pat Search ${size}`,
        `Dr. Search ${size}`,
      );
      // 300 messages; "Ibuprofeno" at seq 40 (far outside the newest page) and 280, "Café" at 290.
      await seedHistory(app, conversation.id, [patient.id, doctor.id], 300, {
        textOf: (seq) =>
          seq === 40 || seq === 280
            ? `Take ibuprofeno ${seq} after meals`
            : seq === 290
              ? 'Meet at the Café'
              : `History message ${seq}`,
      });
      const page = await signIn(browser, app, patient.email, { viewport });
      await openConversation(page, doctor.name);
      await page.locator('li.message[data-seq="300"]').waitFor();

      const toggle = page.getByRole('button', { name: 'Search in this conversation' });
      await toggle.click();
      const box = page.getByRole('searchbox', { name: 'Search messages' });
      await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
      await box.fill('IBUPROFENO');
      const results = page.getByRole('list', { name: 'Search messages' });
      await expect.poll(() => results.getByRole('listitem').count()).toBe(2);
      expect(await results.locator('mark').first().textContent()).toBe('ibuprofeno');
      expect(await sideways(page)).toBe(0);

      // Enter: the newest hit, in the window already loaded.
      await box.press('Enter');
      await expect.poll(() => seqOnScreen(page, 280)).toBe(true);
      expect(await page.locator('li.message.hit').getAttribute('data-seq')).toBe('280');
      await page.getByText('1 of 2').waitFor();
      // Enter again: the older hit, far outside the window: the window around it loads.
      await box.press('Enter');
      await expect.poll(() => seqOnScreen(page, 40)).toBe(true);
      expect(await page.locator('li.message.hit').getAttribute('data-seq')).toBe('40');
      expect(await page.locator('li.message[data-seq="300"]').count()).toBe(0);
      await page.getByText('2 of 2').waitFor();
      // ↑ goes back to the newer one; accents are ignored both ways.
      await box.press('ArrowUp');
      await expect.poll(() => seqOnScreen(page, 280)).toBe(true);
      await box.fill('cafe');
      await box.press('Enter');
      await expect.poll(() => seqOnScreen(page, 290)).toBe(true);
      expect(await sideways(page)).toBe(0);

      // Escape closes the search and gives focus back to its button.
      await box.press('Escape');
      await expect.poll(() => box.count()).toBe(0);
      expect(await toggle.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await page.locator('li.message.hit').count()).toBe(0);
      await page.context().close();
    }, 120_000);

    it(`makes links, e-mail addresses and phone numbers tappable, and nothing else (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(app, `Pat Links ${size}`, `Dr. Links ${size}`);
      const long = `https://results.example/${'a1b2c3'.repeat(60)}`;
      await sendText(
        doctor,
        conversation.id,
        'Results: https://clinic.example/r?id=7. Write to care@clinic.example or call +1 555 123 4567. ' +
          'Not links: javascript:alert(1) data:text/html,<b>x</b> <a href="javascript:alert(2)">click</a> <b>bold</b>',
      );
      await sendText(doctor, conversation.id, `Long: ${long}`);
      const page = await signIn(browser, app, patient.email, { viewport });
      await openConversation(page, doctor.name);
      const text = page.locator('.message .text', { hasText: 'Results:' });
      await text.waitFor();

      const web = text.getByRole('link', { name: 'https://clinic.example/r?id=7' });
      expect(await web.getAttribute('href')).toBe('https://clinic.example/r?id=7');
      expect(await web.getAttribute('target')).toBe('_blank');
      expect(await web.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await text.getByRole('link', { name: 'care@clinic.example' }).getAttribute('href')).toBe(
        'mailto:care@clinic.example',
      );
      expect(await text.getByRole('link', { name: '+1 555 123 4567' }).getAttribute('href')).toBe('tel:+15551234567');
      // Exactly those three; the markup and the other schemes are text.
      expect(await text.locator('a').count()).toBe(3);
      expect(await text.locator('b, img, script').count()).toBe(0);
      expect(await text.textContent()).toContain('<a href="javascript:alert(2)">click</a> <b>bold</b>');

      // A URL longer than the screen wraps inside its bubble.
      const longLink = page.getByRole('link', { name: long });
      await longLink.waitFor();
      const bubble = await page.locator('.message', { hasText: 'Long:' }).locator('.bubble').boundingBox();
      expect(bubble!.width).toBeLessThanOrEqual(viewport.width);
      expect(await sideways(page)).toBe(0);
      await page.context().close();
    }, 120_000);

    it(`closes the menu on Escape and outside, opens it by long press, confirms a delete (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(app, `Pat Menu ${size}`, `Dr. Menu ${size}`);
      await sendText(patient, conversation.id, 'Keep this one');
      await sendText(patient, conversation.id, 'Delete this one');
      const context = await browser.newContext({ viewport, hasTouch: true });
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByLabel('Email').fill(patient.email);
      await page.getByLabel('Password').fill('e2e-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation').first().waitFor();
      await openConversation(page, doctor.name);
      const message = page.locator('.message', { hasText: 'Keep this one' });
      const options = message.getByRole('button', { name: 'Message options' });
      const menu = page.getByRole('menu');

      // Escape closes it and focus goes back to its button.
      await options.click();
      await menu.waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => menu.count()).toBe(0);
      expect(await options.evaluate((el) => el === document.activeElement)).toBe(true);

      // A click outside closes it.
      await options.click();
      await menu.waitFor();
      await page.locator('.thread-head h2').click();
      await expect.poll(() => menu.count()).toBe(0);

      // The quick reactions are drawn in a colour of their own and bordered, not accent ink on the surface.
      await options.click();
      const quick = menu.getByRole('menuitem', { name: 'React 👍' });
      // In both schemes: the kit's root wears its theme as data-theme (the app takes the light one).
      for (const theme of ['light', 'dark']) {
        const looks = await quick.evaluate((el, scheme) => {
          el.closest('.cc-root')?.setAttribute('data-theme', scheme);
          const s = getComputedStyle(el);
          return { color: s.color, background: s.backgroundColor, border: s.borderTopWidth };
        }, theme);
        expect(looks.color, theme).not.toBe(looks.background);
        // Before: the buttons' accent ink, white on the light menu.
        if (theme === 'light') expect(looks.color).not.toBe('rgb(255, 255, 255)');
        expect(looks.border, theme).not.toBe('0px');
      }
      await quick.evaluate((el) => el.closest('.cc-root')?.setAttribute('data-theme', 'light'));
      await page.keyboard.press('Escape');

      // A touch held ~500 ms on the message opens its menu; a quick tap does not.
      const cdp = await context.newCDPSession(page);
      const at = await message.locator('.bubble').boundingBox();
      const point = { x: at!.x + at!.width / 2, y: at!.y + at!.height / 2 };
      const touch = async (ms: number) => {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
        await page.waitForTimeout(ms);
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      };
      await touch(100);
      await page.waitForTimeout(600);
      expect(await menu.count()).toBe(0);
      await touch(700);
      await menu.waitFor();
      expect(await menu.getByRole('menuitem', { name: 'Reply' }).isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => menu.count()).toBe(0);

      // Delete for everyone asks first: Cancel keeps the message, confirming deletes it.
      const doomed = page.locator('.message', { hasText: 'Delete this one' });
      const doomedOptions = doomed.getByRole('button', { name: 'Message options' });
      await doomedOptions.click();
      await menu.getByRole('menuitem', { name: 'Delete for everyone' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Delete this message for everyone?' });
      await dialog.waitFor();
      expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(
        true,
      );
      const box = await dialog.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      expect(await doomed.locator('.text').textContent()).toBe('Delete this one');
      expect(await doomedOptions.evaluate((el) => el === document.activeElement)).toBe(true);
      await doomedOptions.click();
      await menu.getByRole('menuitem', { name: 'Delete for everyone' }).click();
      await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
      await page.getByText('This message was deleted').waitFor();
      expect(await sideways(page)).toBe(0);
      await context.close();
    }, 120_000);
  }

  it('links its manifest, theme colour and touch icon, and serves them with their types', async () => {
    const { app, browser } = started;
    const context = await browser.newContext({ viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    await page.goto(app.url);
    const head = await page.evaluate(() => ({
      manifest: document.querySelector('link[rel="manifest"]')?.getAttribute('href'),
      theme: document.querySelector('meta[name="theme-color"]')?.getAttribute('content'),
      touchIcon: document.querySelector('link[rel="apple-touch-icon"]')?.getAttribute('href'),
    }));
    expect(head.theme).toMatch(/^#[0-9a-f]{6}$/);
    const fetched = await page.evaluate(async ({ manifest, touchIcon }) => {
      const res = await fetch(manifest!);
      const body = await res.json();
      const icons = await Promise.all(
        [...body.icons.map((i: { src: string }) => i.src), touchIcon].map(async (src: string) => {
          const r = await fetch(src);
          return `${r.status} ${r.headers.get('content-type')}`;
        }),
      );
      return { type: res.headers.get('content-type'), body, icons };
    }, head);
    expect(fetched.type).toMatch(/^application\/manifest\+json/);
    expect(fetched.body).toMatchObject({ display: 'standalone', start_url: '/', theme_color: head.theme });
    expect(fetched.icons.length).toBe(5);
    for (const icon of fetched.icons) expect(icon).toBe('200 image/png');
    await context.close();
  });
});
