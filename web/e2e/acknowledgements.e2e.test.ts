import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { createAppointment, sendText } from '../../server/src/test/factories.js';
import {
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

/** The doctor's conversation list as shown, top first (on a phone, back to it first). */
async function listNames(page: import('playwright-core').Page) {
  const back = page.getByRole('button', { name: 'Back to conversations' });
  if (await back.isVisible()) await back.click();
  const names = await page
    .getByRole('navigation', { name: 'Conversations' })
    .locator('.conversation .name')
    .allTextContents();
  return names.map((n) => n.replace(/ Patient$/, ''));
}

describe.skipIf(!existsSync(CHROMIUM))('acknowledgement requested and urgent messages in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (width, viewport) => {
    it('the doctor asks to acknowledge, the patient confirms, the doctor sees it; urgent tops the list', async () => {
      const patient = await personWithPassword(t, 'PATIENT', `Ana Urgent ${width}`);
      const other = await personWithPassword(t, 'PATIENT', `Bo Routine ${width}`);
      const doctor = await personWithPassword(t, 'DOCTOR', `Dr. Ack ${width}`);
      await createAppointment(t, patient, doctor);
      await createAppointment(t, other, doctor);
      for (const who of [patient, other]) {
        const conv = (await who.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
        await sendText(who, conv.id, `Hello from ${who.name}`);
      }
      const d = await signIn(browser, t, doctor.email, { viewport });
      const p = await signIn(browser, t, patient.email, { viewport });

      await openConversation(d, patient.name);
      await d.getByLabel('Ask to acknowledge').check();
      await composerOf(d).fill('Stop taking the medication until we speak');
      await composerOf(d).press('Enter');
      const sent = d.locator('.message.mine.ack-requested', { hasText: 'Stop taking the medication' });
      await sent.getByText('Awaiting acknowledgement').waitFor();
      // The toggle is for one message: the next goes without it.
      expect(await d.getByLabel('Ask to acknowledge').isChecked()).toBe(false);

      await openConversation(p, doctor.name);
      const asked = p.locator('.message.ack-requested', { hasText: 'Stop taking the medication' });
      await asked.getByText('Please confirm you have read this message').waitFor();
      await asked.getByRole('button', { name: 'I have read this' }).click();
      await asked.getByText(/^Acknowledged /).waitFor();
      await sent.getByText(/^Acknowledged /).waitFor();
      expect(await sent.getByText('Awaiting acknowledgement').count()).toBe(0);

      // The patient marks the next message urgent and is shown the emergency notice first.
      await p.getByLabel('Urgent').check();
      await p
        .getByRole('alert')
        .getByText(/If this is an emergency, call your local emergency number/)
        .waitFor();
      await composerOf(p).fill('The pain is getting worse');
      await composerOf(p).press('Enter');
      await p.locator('.message.mine.urgent', { hasText: 'The pain is getting worse' }).waitFor();

      // Another patient writes later; the urgent conversation stays on top, flagged.
      const otherConv = (await other.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
      await sendText(other, otherConv.id, 'A routine question');
      await d.locator('.message.urgent', { hasText: 'The pain is getting worse' }).waitFor();
      await expect.poll(() => listNames(d)).toEqual([patient.name, other.name]);
      const top = d.getByRole('navigation', { name: 'Conversations' }).locator('.conversation').first();
      await top.locator('.flag.urgent', { hasText: 'Urgent' }).waitFor();
      expect(await d.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

      // The doctor's waiting list: ask again, find it there by the patient's name.
      await openConversation(d, patient.name);
      await d.getByLabel('Ask to acknowledge').check();
      await composerOf(d).fill('Please book a blood test');
      await composerOf(d).press('Enter');
      await d.locator('.message.mine.ack-requested', { hasText: 'Please book a blood test' }).waitFor();
      // Replying cleared the urgency.
      await expect.poll(() => listNames(d)).toEqual([patient.name, other.name]);
      expect(await d.locator('.conversation .flag.urgent').count()).toBe(0);
      await d.getByRole('button', { name: 'Awaiting acknowledgement' }).click();
      const panel = d.getByRole('region', { name: 'Awaiting acknowledgement' });
      await panel.getByRole('button', { name: new RegExp(patient.name) }).waitFor();
      expect(await panel.getByText('0 reminders sent').count()).toBe(1);
      await panel.getByRole('button', { name: new RegExp(patient.name) }).click();
      await d.getByRole('region', { name: `Conversation with ${patient.name}` }).waitFor();
      await d.context().close();
      await p.context().close();
    });
  });
});
