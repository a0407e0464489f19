import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Message } from '@carechat/protocol';
import type { TestApp } from '../../server/src/test/app.js';
import { sendText, setCareTeam } from '../../server/src/test/factories.js';
import { connectClient } from '../../server/src/test/socket-client.js';
import {
  CHROMIUM,
  composerOf,
  openConversation,
  personWithPassword,
  signIn,
  useBrowserApp,
  VIEWPORTS,
} from './browser.js';
import { pairInConversation, sideways } from './history.js';

/** A patient and a doctor in conversation, the doctor's care team a nurse (RN) and a medical assistant. */
async function teamConversation(app: TestApp, size: string) {
  const pair = await pairInConversation(app, `Pat Team ${size}`, `Dr. Team ${size}`);
  const nurse = await personWithPassword(app, 'STAFF', 'Nurse Joy', 'RN');
  // A long name: the header's team line must give way at 360 px, not push the page sideways.
  const assistant = await personWithPassword(app, 'STAFF', 'Maximiliana Oberhuber-Castellanos', 'MA');
  await setCareTeam(app, pair.doctor, [nurse, assistant]);
  return { ...pair, nurse, assistant };
}

/** Whether an element lies within the page's width (nothing of it off to the right). */
const withinWidth = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluate((el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5);

describe.skipIf(!existsSync(CHROMIUM))('a conversation with a care team in Chromium', () => {
  const started = useBrowserApp();

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`shows the patient who wrote, the team, and who read their message (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation, nurse } = await teamConversation(app, size);
      const page = await signIn(browser, app, patient.email, { viewport });
      // A patient starts conversations with their doctors (a nurse, below, cannot).
      expect(await page.getByRole('button', { name: 'New conversation' }).isVisible()).toBe(true);
      await openConversation(page, doctor.name);
      const thread = page.getByRole('region', { name: `Conversation with ${doctor.name}` });
      const team = thread.locator('.thread-head .team');
      // The team as the server lists it, by name.
      expect(await team.textContent()).toBe('with Maximiliana Oberhuber-Castellanos, Nurse Joy');

      // The nurse answers through the API: her name and designation above her message.
      await sendText(nurse, conversation.id, 'Can you send a photo of it?');
      const reply = thread.locator('li.message', { hasText: 'Can you send a photo of it?' });
      await reply.waitFor();
      expect(await reply.locator('.sender').textContent()).toBe('Nurse Joy · RN');

      await composerOf(page).fill('The rash is spreading');
      await composerOf(page).press('Enter');
      const mine = thread.locator('li.message.mine[data-seq="2"]');
      await mine.waitFor();
      expect(await mine.locator('.sender').count()).toBe(0);
      // The nurse reads it: "Read by Nurse Joy" under it, in place of its ticks.
      expect((await nurse.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 2 })).status).toBe(
        200,
      );
      await mine.locator('.read-by', { hasText: 'Read by Nurse Joy' }).waitFor();
      expect(await mine.locator('.read-by').textContent()).toBe('Read by Nurse Joy');
      expect(await mine.locator('.tick').count()).toBe(0);
      expect(await sideways(page)).toBe(0);
      expect(await withinWidth(page, '.thread-head .team')).toBe(true);

      // A reload: the page knows only what the conversation's JSON says, no receipt of hers.
      await page.reload();
      const row = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: doctor.name });
      await row.waitFor();
      const [joy, dr] = [
        await connectClient(app.url, { token: nurse.token }),
        await connectClient(app.url, { token: doctor.token }),
      ];
      const typing = (s: typeof joy, start: boolean) =>
        s.emitAck(start ? 'chat:typing:start' : 'chat:typing:stop', { conversationId: conversation.id });
      try {
        // The doctor's dot turns online through the page's socket: from now on it hears typing.
        await row.locator('.dot.online').waitFor();
        // Who of the team types, by name, on the row and in the header: the nurse, then the doctor too.
        await typing(joy, true);
        await row.getByText('Nurse Joy is typing…').waitFor();
        await typing(dr, true);
        await row.getByText(`${doctor.name} and Nurse Joy are typing…`).waitFor();
        await Promise.all([typing(joy, false), typing(dr, false)]);
        await expect.poll(() => row.getByText('typing').count()).toBe(0);

        await openConversation(page, doctor.name);
        await mine.locator('.read-by', { hasText: 'Read by Nurse Joy' }).waitFor();
        expect(await mine.locator('.tick').count()).toBe(0);
        const head = thread.locator('.thread-head');
        await typing(joy, true);
        await head.getByText('Nurse Joy is typing…').waitFor();
        expect(await sideways(page)).toBe(0);
        await typing(joy, false);
        await expect.poll(() => head.getByText('typing').count()).toBe(0);
      } finally {
        joy.socket.close();
        dr.socket.close();
      }
      await page.context().close();
    }, 60_000);

    it(`lets a nurse answer her doctor's patient, until she is taken off the team (${size})`, async () => {
      const { app, browser } = started;
      const { patient, doctor, conversation, nurse } = await teamConversation(app, size);
      await sendText(patient, conversation.id, 'My rash is spreading');
      const page = await signIn(browser, app, nurse.email, { viewport });
      const list = page.getByRole('navigation', { name: 'Conversations' });
      await list.getByRole('button', { name: new RegExp(patient.name) }).waitFor();
      // She answers in her doctors' conversations and opens none of her own (the server would refuse).
      expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);

      await openConversation(page, patient.name);
      const thread = page.getByRole('region', { name: `Conversation with ${patient.name}` });
      expect(await thread.locator('.thread-head .team').textContent()).toBe(
        `with ${doctor.name}, Maximiliana Oberhuber-Castellanos`,
      );
      const asked = thread.locator('li.message', { hasText: 'My rash is spreading' });
      expect(await asked.locator('.sender').textContent()).toBe(`${patient.name} · Patient`);
      // A clinician's tools: she may ask the patient to acknowledge.
      await page.getByLabel('Ask to acknowledge').waitFor();

      await composerOf(page).fill('I will ask the doctor to call you today');
      await composerOf(page).press('Enter');
      await expect
        .poll(async () => {
          const res = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
          return (res.body.data as Message[]).map((m) => [m.senderId, m.senderRole, m.content]);
        })
        .toContainEqual([nurse.id, 'STAFF', 'I will ask the doctor to call you today']);
      expect(await sideways(page)).toBe(0);

      // The host replaces the team without her: the open conversation leaves her page, with no reload.
      await page.evaluate(() => ((window as { stillThisPage?: boolean }).stillThisPage = true));
      await setCareTeam(app, doctor, []);
      await thread.waitFor({ state: 'detached' });
      await list.getByRole('button', { name: new RegExp(patient.name) }).waitFor({ state: 'detached' });
      expect(await page.evaluate(() => (window as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
      await page.context().close();
    }, 60_000);
  }
});
