import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createAppointment } from '../../server/src/test/factories.js';
import {
  accountAction,
  CHROMIUM,
  composerOf,
  inStorage,
  openConversation,
  personWithPassword,
  signIn,
  signInOnPage,
  socketGate,
  useBrowserApp,
  VIEWPORTS,
} from './browser.js';

describe.skipIf(!existsSync(CHROMIUM))('a message written offline, in Chromium', () => {
  const started = useBrowserApp();

  /** The patient's messages with this text the server has stored: rows, not what a page shows. */
  const storedRows = async (conversationId: string, senderId: string) =>
    (
      await started.app.db.query<{ id: string }>(
        'SELECT id FROM messages WHERE conversation_id = $1 AND sender_id = $2',
        [conversationId, senderId],
      )
    ).rows;

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_, viewport) => {
    it('survives a reload and a reopened tab, is sent once when back online, and is wiped at sign-out', async () => {
      const patient = await personWithPassword(started.app, 'PATIENT', 'Olga Offline');
      const doctor = await personWithPassword(started.app, 'DOCTOR', `Dr. Reload ${viewport.width}`);
      await createAppointment(started.app, patient, doctor);
      const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
      let gate!: Awaited<ReturnType<typeof socketGate>>;
      let page: Page = await signIn(started.browser, started.app, patient.email, {
        viewport,
        prepare: async (context) => void (gate = await socketGate(context)),
      });
      const context = page.context();
      const thread = () => page.getByRole('region', { name: `Conversation with ${doctor.name}` });
      await openConversation(page, doctor.name);

      // Offline: the message waits, and is kept on the device (the client's IndexedDB).
      await context.setOffline(true);
      await gate.shut();
      await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
      await composerOf(page).fill('Written in the lift');
      await composerOf(page).press('Enter');
      await thread().getByLabel('Sending').waitFor();
      await expect.poll(() => inStorage(page, 'Written in the lift')).toBe(true);

      // The network is back for pages, not yet for the socket: reload, then close the tab and open another.
      await context.setOffline(false);
      await page.reload();
      await openConversation(page, doctor.name);
      await thread().getByText('Written in the lift').waitFor();
      await thread().getByLabel('Sending').waitFor();
      await page.close();
      page = await context.newPage();
      await page.goto(started.app.url);
      await openConversation(page, doctor.name);
      await thread().getByText('Written in the lift').waitFor();
      await thread().getByLabel('Sending').waitFor();
      expect(await storedRows(conversation.id, patient.id)).toHaveLength(0);

      // Online: it goes, once.
      gate.reopen();
      await expect.poll(() => thread().getByLabel('Sending').count(), { timeout: 15_000 }).toBe(0);
      const sent = await storedRows(conversation.id, patient.id);
      expect(sent).toHaveLength(1);
      const history = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data;
      expect(history.map((m: { content: string }) => m.content)).toEqual(['Written in the lift']);
      await expect.poll(() => inStorage(page, 'Written in the lift')).toBe(false);
      // A reload after the ack restores nothing to send again.
      await page.reload();
      await openConversation(page, doctor.name);
      await thread().getByText('Written in the lift').waitFor();
      expect(await thread().getByLabel('Sending').count()).toBe(0);

      // Another message, unsent at sign-out: wiped from the device, and never sent.
      await gate.shut();
      await composerOf(page).fill('Never to be sent');
      await composerOf(page).press('Enter');
      await expect.poll(() => inStorage(page, 'Never to be sent')).toBe(true);
      await accountAction(page, 'Sign out');
      await page.getByLabel('Email').waitFor();
      expect(await inStorage(page, 'Never to be sent')).toBe(false);
      gate.reopen();
      await signInOnPage(page, patient.email);
      await openConversation(page, doctor.name);
      // The outbox goes in order: once this later message is stored, a restored one would be too.
      await composerOf(page).fill('Back again');
      await composerOf(page).press('Enter');
      await expect
        .poll(async () => (await storedRows(conversation.id, patient.id)).length, { timeout: 15_000 })
        .toBe(2);
      const after = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data;
      expect(after.map((m: { content: string }) => m.content)).toEqual(['Written in the lift', 'Back again']);
      await context.close();
    }, 90_000);
  });
});
