import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueId, type TestApp } from '../../server/src/test/app.js';
import { CLAMD_BINARY } from '../../server/src/test/clamd.js';
import { createAppointment } from '../../server/src/test/factories.js';
import { cleanPng } from '../../server/src/test/files.js';
import {
  accountAction,
  CHROMIUM,
  composerOf,
  inStorage,
  openConversation,
  personWithPassword,
  signIn,
  signInOnPage,
  useBrowserApp,
  VIEWPORTS,
  type PersonWithPassword,
} from './browser.js';

let t: TestApp;
let browser: Browser;

/** A doctor with two patients, Alice and Bob, each in a conversation with them; Alice has written. */
async function doctorWithTwoPatients() {
  const doctor = await personWithPassword(t, 'DOCTOR', 'Dr. Draft Keeper');
  const tag = uniqueId('n');
  const alice = await personWithPassword(t, 'PATIENT', `Alice ${tag}`);
  const bob = await personWithPassword(t, 'PATIENT', `Bob ${tag}`);
  const conversations: Record<string, string> = {};
  for (const patient of [alice, bob]) {
    await createAppointment(t, patient, doctor);
    conversations[patient.id] = (
      await patient.api.post('/api/chat/conversations', { participantId: doctor.id })
    ).body.id;
  }
  const question = (
    await alice.api.post(`/api/chat/conversations/${conversations[alice.id]}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'Any news on my biopsy?',
    })
  ).body;
  return {
    doctor,
    alice,
    bob,
    aliceConversation: conversations[alice.id]!,
    bobConversation: conversations[bob.id]!,
    question,
  };
}

const messagesOf = async (person: PersonWithPassword, conversationId: string) =>
  (await person.api.get(`/api/chat/conversations/${conversationId}/messages`)).body.data as {
    content: string | null;
    replyTo: { id: string } | null;
    attachments: { fileName: string }[];
  }[];

async function attach(page: Page, name: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: await cleanPng(40, 30) });
}

/**
 * A doctor writes to a patient and `signOut` ends the session: the draft must be in storage
 * before (it survives a reload), and gone from storage and from the composer after, when the
 * same doctor signs in again on the same page.
 */
async function expectDraftForgottenAfter(
  viewport: { width: number; height: number },
  signOut: (page: Page) => Promise<void>,
) {
  const { doctor, alice } = await doctorWithTwoPatients();
  const d = await signIn(browser, t, doctor.email, { viewport });
  await openConversation(d, alice.name);
  await composerOf(d).fill('Your biopsy is positive');
  // The write to IndexedDB finishes after the keystroke.
  await expect.poll(() => inStorage(d, 'biopsy is positive')).toBe(true);
  await signOut(d);
  expect(await inStorage(d, 'biopsy is positive')).toBe(false);
  await signInOnPage(d, doctor.email);
  await openConversation(d, alice.name);
  expect(await composerOf(d).inputValue()).toBe('');
  await d.context().close();
}

describe.skipIf(!existsSync(CHROMIUM))('drafts in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_, viewport) => {
    it('keep a draft for a patient, its reply target and uploads with that patient, not the next one', async () => {
      const { doctor, alice, bob, aliceConversation, bobConversation, question } = await doctorWithTwoPatients();
      const d = await signIn(browser, t, doctor.email, { viewport });

      await openConversation(d, alice.name);
      await d
        .locator('.message', { hasText: 'Any news on my biopsy?' })
        .getByRole('button', { name: 'Message options' })
        .click();
      await d.getByRole('menuitem', { name: 'Reply' }).click();
      // One upload done, and one still in flight (held at the network) when the doctor moves on.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let intercepted!: () => void;
      const inFlight = new Promise<void>((resolve) => (intercepted = resolve));
      if (CLAMD_BINARY) {
        await attach(d, 'scan.png');
        await d.locator('.uploads img[alt="scan.png"]').waitFor();
        await d.route(
          '**/api/chat/attachments',
          async (route) => {
            intercepted();
            await held;
            await route.continue();
          },
          { times: 1 },
        );
        await attach(d, 'late.png');
        await inFlight;
      }
      await composerOf(d).fill('Your biopsy is positive');

      await openConversation(d, bob.name);
      expect(await composerOf(d).inputValue()).toBe('');
      expect(await d.getByText('Replying to:').count()).toBe(0);
      expect(await d.locator('.uploads li').count()).toBe(0);
      await composerOf(d).press('Enter');
      release();

      // Back with Alice: her draft, reply target and both uploads, the late one finished here.
      await openConversation(d, alice.name);
      expect(await composerOf(d).inputValue()).toBe('Your biopsy is positive');
      await d.locator('.replying', { hasText: 'Any news on my biopsy?' }).waitFor();
      if (CLAMD_BINARY) await d.locator('.uploads img[alt="late.png"]').waitFor();

      // Bob's composer is still empty, and what the doctor writes him is all he gets.
      await openConversation(d, bob.name);
      expect(await composerOf(d).inputValue()).toBe('');
      expect(await d.locator('.uploads li').count()).toBe(0);
      await composerOf(d).fill('Hello Bob, your results are normal');
      await composerOf(d).press('Enter');
      await expect.poll(async () => (await messagesOf(bob, bobConversation)).length, { timeout: 10_000 }).toBe(1);
      expect(await messagesOf(bob, bobConversation)).toMatchObject([
        { content: 'Hello Bob, your results are normal', replyTo: null, attachments: [] },
      ]);

      // Alice's draft goes to Alice, as a reply, with her files.
      await openConversation(d, alice.name);
      await composerOf(d).press('Enter');
      await expect.poll(async () => (await messagesOf(alice, aliceConversation)).length, { timeout: 10_000 }).toBe(2);
      const sent = (await messagesOf(alice, aliceConversation))[1]!;
      expect(sent).toMatchObject({ content: 'Your biopsy is positive', replyTo: { id: question.id } });
      expect(sent.attachments.map((a) => a.fileName)).toEqual(CLAMD_BINARY ? ['scan.png', 'late.png'] : []);
      expect(await composerOf(d).inputValue()).toBe('');
      expect(await messagesOf(bob, bobConversation)).toHaveLength(1);
      await d.context().close();
    }, 60_000);

    it('keep a draft across a reload', async () => {
      const { doctor, alice, bob } = await doctorWithTwoPatients();
      const d = await signIn(browser, t, doctor.email, { viewport });
      await openConversation(d, alice.name);
      await composerOf(d).fill('Your biopsy is positive');
      await d.reload();
      await openConversation(d, alice.name);
      // The drafts come back from IndexedDB as the page starts: possibly just after the thread opened.
      await expect.poll(() => composerOf(d).inputValue()).toBe('Your biopsy is positive');
      // Typing inside the restored text keeps the caret where it is.
      await composerOf(d).press('Control+Home');
      await composerOf(d).pressSequentially('Alice, ');
      expect(await composerOf(d).inputValue()).toBe('Alice, Your biopsy is positive');
      await openConversation(d, bob.name);
      expect(await composerOf(d).inputValue()).toBe('');
      await d.context().close();
    });

    it('forget drafts at sign-out: gone from the page and from storage', async () => {
      await expectDraftForgottenAfter(viewport, async (d) => {
        await accountAction(d, 'Sign out');
        await d.getByLabel('Email').waitFor();
      });
    });

    it('forget drafts when the server ends the session', async () => {
      await expectDraftForgottenAfter(viewport, async (d) => {
        // This browser's session ends elsewhere: the request carries the page's own cookie.
        expect(
          (await d.context().request.post(`${t.url}/api/auth/logout`, { headers: { origin: t.url } })).status(),
        ).toBe(204);
        await d.getByText('Your session has ended. Please sign in again.').waitFor();
      });
    });
  });

  it('forgets drafts at an idle sign-out', async () => {
    // 9 s idle, as in the app's idle test: the page or the server's sweep signs the doctor out.
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(9 / 60), SESSION_SWEEP_SECONDS: '1' });
    try {
      const doctor = await personWithPassword(idle, 'DOCTOR', 'Dr. Idle Draft');
      const patient = await personWithPassword(idle, 'PATIENT', `Ida ${uniqueId('n')}`);
      await createAppointment(idle, patient, doctor);
      await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
      const d = await signIn(browser, idle, doctor.email, { viewport: VIEWPORTS.phone });
      await openConversation(d, patient.name);
      await composerOf(d).fill('Your biopsy is positive');
      // The write to IndexedDB finishes after the keystroke.
      await expect.poll(() => inStorage(d, 'biopsy is positive')).toBe(true);
      await d
        .getByText('You were signed out after a period without activity.')
        .or(d.getByText('Your session has ended.'))
        .waitFor({ timeout: 20_000 });
      expect(await inStorage(d, 'biopsy is positive')).toBe(false);
      await d.context().close();
    } finally {
      await idle.close();
    }
  }, 60_000);
});
