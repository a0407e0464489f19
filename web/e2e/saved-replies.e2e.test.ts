import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, type TestApp } from '../../server/src/test/app.js';
import { createAppointment } from '../../server/src/test/factories.js';
import {
  accountAction,
  CHROMIUM,
  composerOf,
  openConversation,
  personWithPassword,
  signIn,
  useBrowserApp,
  VIEWPORTS,
} from './browser.js';

let t: TestApp;
let browser: Browser;

/** Nothing on the page is wider than the window: no sideways scroll at 360 px. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A doctor and a patient whose conversation the patient opened. */
async function pair(tag: string) {
  const doctor = await personWithPassword(t, 'DOCTOR', `Dr. Sam Keeper ${tag}`);
  const patient = await personWithPassword(t, 'PATIENT', `Alice Moreno ${tag}`);
  await createAppointment(t, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  return { doctor, patient, conversationId: conversation.id as string };
}

describe.skipIf(!existsSync(CHROMIUM))('saved replies in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (width, viewport) => {
    it('a doctor keeps a reply, finds it with "/", picks it by keyboard; the patient gets it filled in', async () => {
      // Short: a conversation's name is one line in the list, and the page must fit 360 px.
      const tag = uniqueId('s').slice(-5);
      const { doctor, patient, conversationId } = await pair(tag);
      // The organisation's shared set, which the host platform manages.
      const shared = await t.service.put('/api/integration/saved-replies', {
        replies: [{ name: 'Lab opening hours', body: 'The lab opens at 8:00.' }],
      });
      expect(shared.status).toBe(200);

      const d = await signIn(browser, t, doctor.email, { viewport });
      await accountAction(d, 'Saved replies');
      const panel = d.getByRole('dialog', { name: 'Saved replies' });
      const add = async (name: string, text: string) => {
        await panel.getByLabel('Name').first().fill(name);
        await panel.getByLabel('Text').first().fill(text);
        await panel.getByRole('button', { name: 'Add' }).click();
        await panel.getByRole('button', { name: `Edit ${name}` }).waitFor();
      };
      await add('Lab results', 'Hi {patient.firstName}, your results are in.');
      await add('Lab old', 'Not wanted');
      await panel.getByRole('button', { name: 'Delete Lab old' }).click();
      await panel.getByRole('button', { name: 'Edit Lab old' }).waitFor({ state: 'detached' });
      await panel.getByRole('button', { name: 'Edit Lab results' }).click();
      await panel.getByLabel('Text').nth(1).fill('Hi {patient.firstName}, your results are normal. {doctor.name}');
      await panel.getByRole('button', { name: 'Save' }).click();
      await panel.getByText('your results are normal').waitFor();
      // The shared one is shown, and cannot be changed here.
      await panel.getByText('The lab opens at 8:00.').waitFor();
      expect(await panel.getByRole('button', { name: 'Edit Lab opening hours' }).count()).toBe(0);
      // A second reply of the same name (another case) is refused, in words.
      await panel.getByLabel('Name').first().fill('LAB RESULTS');
      await panel.getByLabel('Text').first().fill('Twice');
      await panel.getByRole('button', { name: 'Add' }).click();
      await panel.getByRole('alert').getByText('You already have a saved reply with this name.').waitFor();
      expect(await fitsWidth(d)).toBe(true);
      await panel.getByRole('button', { name: 'Done' }).click();

      await openConversation(d, `Alice Moreno ${tag}`);
      const composer = composerOf(d);
      const listbox = d.getByRole('listbox', { name: 'Saved replies' });
      await composer.pressSequentially('/la');
      await listbox.waitFor();
      expect(await listbox.getByRole('option').allTextContents()).toEqual([
        expect.stringMatching(/^Lab opening hours/),
        expect.stringMatching(/^Lab results/),
      ]);
      // Escape closes it; typing on opens it again.
      await composer.press('Escape');
      await listbox.waitFor({ state: 'hidden' });
      await composer.pressSequentially('b r');
      await listbox.waitFor();
      expect(await listbox.getByRole('option').allTextContents()).toEqual([expect.stringMatching(/^Lab results/)]);
      await composer.press('Backspace');
      await composer.press('Backspace');
      await expect.poll(() => listbox.getByRole('option').count()).toBe(2);

      // The highlighted option is the text field's active descendant; arrows move it.
      const highlighted = async () => {
        const id = await composer.getAttribute('aria-activedescendant');
        return d.locator(`[id="${id}"][aria-selected="true"]`).textContent();
      };
      expect(await highlighted()).toMatch(/^Lab opening hours/);
      await composer.press('ArrowDown');
      expect(await highlighted()).toMatch(/^Lab results/);
      for (const option of await listbox.getByRole('option').all())
        expect((await option.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      const box = (await listbox.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(await fitsWidth(d)).toBe(true);

      // Enter on a phone, Tab at the desk: either puts the reply in place of "/lab", filled in.
      await composer.press(width === 'phone' ? 'Enter' : 'Tab');
      const filled = `Hi Alice, your results are normal. Dr. Sam Keeper ${tag}`;
      await expect.poll(() => composer.inputValue()).toBe(filled);
      await listbox.waitFor({ state: 'hidden' });
      await composer.press('Enter');
      await d.locator('.message.mine .text', { hasText: filled }).waitFor();
      await expect
        .poll(async () =>
          (await patient.api.get(`/api/chat/conversations/${conversationId}/messages`)).body.data.map(
            (m: { content: string }) => m.content,
          ),
        )
        .toEqual([filled]);

      // A tap works too: the shared reply, picked from the list, and the text field keeps focus.
      await composer.pressSequentially('/lab o');
      await listbox.getByRole('option', { name: /Lab opening hours/ }).click();
      await expect.poll(() => composer.inputValue()).toBe('The lab opens at 8:00.');
      expect(await composer.evaluate((el) => el === document.activeElement)).toBe(true);
      await composer.fill('');

      // The patient sees it as any message, and has no saved replies of their own: "/" is just text.
      const p = await signIn(browser, t, patient.email, { viewport });
      expect(await p.getByRole('button', { name: 'Saved replies' }).count()).toBe(0);
      await openConversation(p, `Dr. Sam Keeper ${tag}`);
      await p.locator('.message .text', { hasText: filled }).waitFor();
      await composerOf(p).pressSequentially('/la');
      await p.waitForTimeout(300);
      expect(await p.getByRole('listbox').count()).toBe(0);
      await p.context().close();
      await d.context().close();
    });
  });
});
