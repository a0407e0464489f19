import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CLAMD_BINARY } from '../../server/src/test/clamd.js';
import { cleanPng } from '../../server/src/test/files.js';
import type { TestApp } from '../../server/src/test/app.js';
import { sendText, upload } from '../../server/src/test/factories.js';
import { CHROMIUM, openConversation, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { pairInConversation, seedHistory } from './history.js';

/** Where the patient has read up to (unread counts are derived from it). */
const setReadUpTo = (app: TestApp, conversationId: string, userId: string, seq: number) =>
  app.db.query('UPDATE conversation_members SET last_read_seq = $3 WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    userId,
    seq,
  ]);

/** Where something sits in the thread's visible part: its top and bottom relative to the thread's top. */
const placeOf = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const el = document.querySelector(s);
    const box = document.querySelector('.messages')?.getBoundingClientRect();
    if (!el || !box) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top - box.top, bottom: r.bottom - box.top, height: box.height };
  }, selector);

/** Whether an element is at least partly inside the thread's visible part. */
const onScreen = async (page: Page, selector: string) => {
  const p = await placeOf(page, selector);
  return p !== null && p.bottom > 0 && p.top < p.height;
};

/** How far the thread is from its bottom, in pixels. */
const fromBottom = (page: Page) =>
  page.locator('.messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

describe.skipIf(!existsSync(CHROMIUM))('reading a thread in Chromium, at phone and desktop widths', () => {
  const started = useBrowserApp();

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`opens at the first unread message under "New messages", then at the bottom once read (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(
        app,
        `Pat Unread ${size}`,
        `Dr. Unread ${size}`,
      );
      // 200 messages, read up to 100: the first unread (101, the doctor's) is two pages from the newest.
      await seedHistory(app, conversation.id, [patient.id, doctor.id], 200, { readAll: false });
      await setReadUpTo(app, conversation.id, patient.id, 100);
      const page = await signIn(browser, app, patient.email, { viewport });
      await openConversation(page, doctor.name);

      const line = page.getByRole('separator').filter({ hasText: 'New messages' });
      await line.waitFor();
      // The line sits right above message 101, at the top of the thread, which shows 101 and not the newest.
      expect(await page.locator('li.unread-line + li.message').getAttribute('data-seq')).toBe('101');
      await expect.poll(() => onScreen(page, 'li.message[data-seq="101"]')).toBe(true);
      const place = await placeOf(page, 'li.unread-line');
      expect(place!.top).toBeGreaterThanOrEqual(0);
      expect(place!.top).toBeLessThan(40);
      expect(await onScreen(page, 'li.message[data-seq="200"]')).toBe(false);
      expect(await page.locator('li.unread-line').count()).toBe(1);

      // Opening marked it read; the line stays where it was while the thread is open.
      await expect
        .poll(async () => (await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.unreadCount)
        .toBe(0);
      await page.locator('.messages').evaluate((el) => el.scrollBy(0, 300));
      await page.waitForTimeout(300);
      expect(await page.locator('li.unread-line + li.message').getAttribute('data-seq')).toBe('101');

      // Next time, with nothing unread: no line, and the newest message at the bottom.
      await page.reload();
      await openConversation(page, doctor.name);
      await page.locator('li.message[data-seq="200"]').waitFor();
      await expect.poll(() => fromBottom(page)).toBeLessThan(2);
      expect(await page.locator('li.unread-line').count()).toBe(0);
      expect(await onScreen(page, 'li.message[data-seq="200"]')).toBe(true);
      await page.context().close();
    }, 120_000);

    it(`counts the messages that arrive while scrolled up, and the pill goes to the first (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation } = await pairInConversation(app, `Pat Pill ${size}`, `Dr. Pill ${size}`);
      await seedHistory(app, conversation.id, [patient.id, doctor.id], 40, { readAll: false });
      await setReadUpTo(app, conversation.id, patient.id, 40);
      const page = await signIn(browser, app, patient.email, { viewport });
      await openConversation(page, doctor.name);
      await page.locator('li.message[data-seq="40"]').waitFor();
      await expect.poll(() => fromBottom(page)).toBeLessThan(2);

      // Scrolled up to the middle of the history: what arrives is counted, not followed.
      await page.locator('li.message[data-seq="20"]').evaluate((li) => li.scrollIntoView({ block: 'center' }));
      await expect.poll(() => fromBottom(page)).toBeGreaterThan(200);
      for (const text of ['First new', 'Second new', 'Third new']) await sendText(doctor, conversation.id, text);
      const pill = page.locator('button.pill');
      await expect.poll(() => pill.textContent()).toBe('3 new messages ↓');
      expect(await onScreen(page, 'li.message[data-seq="41"]')).toBe(false);

      await pill.click();
      await expect.poll(() => onScreen(page, 'li.message[data-seq="41"]')).toBe(true);
      // At the top of the thread, or as high as the three messages below it let it go.
      const first = (await placeOf(page, 'li.message[data-seq="41"]'))!;
      expect(first.top < 40 || (await fromBottom(page)) < 2).toBe(true);
      await expect.poll(() => pill.count()).toBe(0);
      await page.context().close();
    }, 120_000);

    it.skipIf(!CLAMD_BINARY)(
      `stays at the bottom while pictures load into their reserved boxes (${size})`,
      async () => {
        const { app, browser } = started;
        const { patient, doctor, conversation } = await pairInConversation(
          app,
          `Pat Pictures ${size}`,
          `Dr. Pictures ${size}`,
        );
        await seedHistory(app, conversation.id, [patient.id, doctor.id], 30, { readAll: false });
        // Three pictures among the newest messages: one wide, one tall, one small.
        const sizes: [number, number][] = [
          [800, 600],
          [300, 900],
          [120, 90],
        ];
        for (const [i, [w, h]] of sizes.entries()) {
          const up = await upload(app, doctor, conversation.id, await cleanPng(w, h), `photo-${i}.png`);
          expect(up.status).toBe(201);
          expect([up.body.width, up.body.height]).toEqual([w, h]);
          const sent = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
            clientMessageId: crypto.randomUUID(),
            attachmentIds: [up.body.id],
          });
          expect(sent.status).toBe(201);
        }
        await sendText(doctor, conversation.id, 'The last word');
        await setReadUpTo(app, conversation.id, patient.id, 34);

        const page = await signIn(browser, app, patient.email, { viewport });
        // The thumbnails arrive late, after the thread has been placed at its bottom.
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        await page.route('**/api/chat/attachments/*/thumbnail', async (route) => {
          await held;
          await route.continue();
        });
        await openConversation(page, doctor.name);
        await page.locator('.messages').getByText('The last word').waitFor();
        await expect.poll(() => fromBottom(page)).toBeLessThan(2);
        // Each box is reserved from the stored size, fitted in 260 px (or the bubble, on a phone).
        const boxes = await page
          .locator('.message img')
          .evaluateAll((imgs) => imgs.map((img) => [img.getAttribute('width'), img.getAttribute('height')]));
        expect(boxes).toEqual([
          ['260', '195'],
          ['87', '260'],
          ['120', '90'],
        ]);
        const before = await page.locator('.messages').evaluate((el) => el.scrollHeight);

        release();
        const images = page.locator('.message img');
        await expect
          .poll(() => images.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
          .toBe(true);
        await page.waitForTimeout(200);
        expect(await page.locator('.messages').evaluate((el) => el.scrollHeight)).toBe(before);
        expect(await fromBottom(page)).toBeLessThan(2);
        expect(await onScreen(page, '.message:last-of-type .text')).toBe(true);
        await page.context().close();
      },
      120_000,
    );
  }
});
