import { existsSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CLAMD_BINARY } from '../../server/src/test/clamd.js';
import { cleanPng } from '../../server/src/test/files.js';
import { startTestApp, uniqueId, type TestApp } from '../../server/src/test/app.js';
import { createAppointment, createPatientsOf } from '../../server/src/test/factories.js';
import { encryptText, messageAad } from '../../server/src/crypto/keyring.js';
import {
  accountAction,
  CHROMIUM,
  personWithPassword as newPerson,
  signIn as signInTo,
  useBrowserApp,
} from './browser.js';
import { seedHistory } from './history.js';

let t: TestApp;
let browser: Browser;

const personWithPassword = (role: 'PATIENT' | 'DOCTOR' | 'ADMIN', name: string, app: TestApp = t) =>
  newPerson(app, role, name);

/** A patient and a doctor who share an appointment, with their conversation opened. */
async function pairInConversation(patientName: string, doctorName: string) {
  const patient = await personWithPassword('PATIENT', patientName);
  const doctor = await personWithPassword('DOCTOR', doctorName);
  await createAppointment(t, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  return { patient, doctor, conversation };
}

const signIn = (email: string, app: TestApp = t, prepare?: (context: BrowserContext) => Promise<void>): Promise<Page> =>
  signInTo(browser, app, email, { prepare });

describe.skipIf(!existsSync(CHROMIUM))('the web app in Chromium', () => {
  const started = useBrowserApp();
  // The helpers above read the app and the browser from the file's scope.
  beforeAll(() => void ({ app: t, browser } = started));

  it('lets a patient and a doctor talk: messages, typing, receipts, an edit and a delete', async () => {
    const patient = await personWithPassword('PATIENT', 'Pat Browser');
    const doctor = await personWithPassword('DOCTOR', 'Dr. Dana Browser');
    await createAppointment(t, patient, doctor);
    const p = await signIn(patient.email);
    const d = await signIn(doctor.email);

    await p.getByRole('button', { name: 'New conversation' }).click();
    await p
      .getByRole('dialog', { name: 'New conversation' })
      .getByRole('button', { name: /Dr\. Dana Browser/ })
      .click();
    const composer = p.getByLabel('Message', { exact: true });
    let alerted = false;
    for (const page of [p, d]) page.on('dialog', (dialog) => ((alerted = true), void dialog.dismiss()));
    await composer.fill('<img src=x onerror=alert(1)>');
    await composer.press('Enter');
    await d.locator('.conversation', { hasText: 'Pat Browser' }).first().waitFor();
    await composer.fill('Hello doctor, my rash is <b>worse</b>');
    await composer.press('Enter');
    await expect
      .poll(() => p.locator('.message.mine .text').allTextContents())
      .toEqual(['<img src=x onerror=alert(1)>', 'Hello doctor, my rash is <b>worse</b>']);

    // The doctor's list shows it live with an unread badge; the text renders as text, not HTML.
    const row = d.getByRole('button', { name: /Pat Browser/ });
    await row.getByLabel('2 unread').waitFor();
    await row.click();
    await expect
      .poll(() => d.locator('.message .text').allTextContents())
      .toEqual(['<img src=x onerror=alert(1)>', 'Hello doctor, my rash is <b>worse</b>']);
    expect(await d.locator('.message .text b, .message .text img').count()).toBe(0);
    expect(alerted).toBe(false);
    await expect.poll(() => p.getByLabel('Read').count()).toBe(2);

    await d.getByLabel('Message', { exact: true }).pressSequentially('Let me look', { delay: 20 });
    await p.getByText('Dr. Dana Browser is typing…').waitFor();
    await d.getByLabel('Message', { exact: true }).press('Enter');
    await p.locator('.message:not(.mine) .text', { hasText: 'Let me look' }).waitFor();

    // Shift+Enter breaks the line instead of sending.
    await composer.fill('line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    await composer.press('Enter');
    await d.locator('.message .text', { hasText: 'line one\nline two' }).waitFor();

    // Edit within the window, then delete for everyone.
    const first = p.locator('.message.mine', { hasText: 'my rash is' });
    await first.getByRole('button', { name: 'Message options' }).click();
    await p.getByRole('menuitem', { name: 'Edit' }).click();
    await p.getByLabel('Edit message').fill('Hello doctor, my rash is better');
    await p.getByRole('button', { name: 'Save' }).click();
    await d.locator('.message', { hasText: 'my rash is better' }).getByText('edited').waitFor();
    const edited = p.locator('.message.mine', { hasText: 'my rash is better' });
    await edited.getByRole('button', { name: 'Message options' }).click();
    await p.getByRole('menuitem', { name: 'Delete for everyone' }).click();
    await p
      .getByRole('alertdialog', { name: 'Delete this message for everyone?' })
      .getByRole('button', { name: 'Delete for everyone' })
      .click();
    await d.getByText('This message was deleted').waitFor();
    await p.context().close();
    await d.context().close();
  });

  it('lets a doctor with more patients than one page find any of them by name and start a conversation', async () => {
    const doctor = await personWithPassword('DOCTOR', 'Dr. Many Patients');
    await createPatientsOf(t, doctor, 205);
    const d = await signIn(doctor.email);

    await d.getByRole('button', { name: 'New conversation' }).click();
    const picker = d.getByRole('dialog', { name: 'New conversation' });
    await picker.getByText('Showing the first 200 by name: search to find anyone else.').waitFor();
    await expect.poll(() => picker.getByRole('listitem').count()).toBe(200);
    await picker.getByLabel('Search people').fill('Patient 204');
    await expect
      .poll(() => picker.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining('Patient 204')]);
    await picker.getByRole('button', { name: /Patient 204/ }).click();
    await d.getByLabel('Message', { exact: true }).fill('Hello from page two');
    await d.getByLabel('Message', { exact: true }).press('Enter');
    await d.locator('.conversation', { hasText: 'Patient 204' }).first().waitFor();
    await d.context().close();
  });

  it('queues a message written offline and sends it once when the connection returns', async () => {
    const { patient, doctor, conversation } = await pairInConversation('Olive Offline', 'Dr. Otto Online');
    await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'Take it with food',
    });
    const p = await signIn(patient.email);
    await p.getByRole('button', { name: /Dr\. Otto Online/ }).click();
    await p.getByLabel('Message', { exact: true }).waitFor();

    await p.context().setOffline(true);
    await p.evaluate(() => (window as any).__carechat.socket.socket.io.engine.close());
    await p.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    await p.getByLabel('Message', { exact: true }).fill('Written on the train');
    await p.getByLabel('Message', { exact: true }).press('Enter');
    await p.getByLabel('Sending').waitFor();
    // Meanwhile the doctor edits an earlier message and says something new.
    const earlier = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data[0];
    await doctor.api.patch(`/api/chat/messages/${earlier.id}`, {
      content: 'Take it with food (edited while you were away)',
    });
    await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'Are you there?',
    });
    await p.context().setOffline(false);
    await p
      .locator('.message.mine:not(.pending) .text', { hasText: 'Written on the train' })
      .waitFor({ timeout: 15_000 });
    await p.locator('.message .text', { hasText: 'edited while you were away' }).waitFor();
    await p.locator('.message .text', { hasText: 'Are you there?' }).waitFor();
    expect(await p.locator('.message .text', { hasText: 'Take it with food' }).count()).toBe(1);
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.filter((m: any) => m.content === 'Written on the train')).toHaveLength(1);
    await p.context().close();
  }, 40_000);

  it('sends again, in order and without a reconnect, what the server could not take just then', async () => {
    // A server that takes 3 events per 10 s from a socket: most of a burst is refused as RATE_LIMITED.
    const strict = await startTestApp({ CLAMD_URL: inject('clamdUrl'), SOCKET_EVENTS_PER_10S: '3' });
    try {
      const patient = await personWithPassword('PATIENT', 'Rita Retry', strict);
      const doctor = await personWithPassword('DOCTOR', 'Dr. Rate Limit', strict);
      await createAppointment(strict, patient, doctor);
      const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
      const p = await signIn(patient.email, strict);
      await p.getByRole('button', { name: /Dr\. Rate Limit/ }).click();
      const composer = p.getByLabel('Message', { exact: true });
      const texts = ['One', 'Two', 'Three', 'Four', 'Five'];
      for (const text of texts) {
        await composer.fill(text);
        await composer.press('Enter');
      }
      await expect
        .poll(
          async () =>
            (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data.map(
              (m: any) => m.content,
            ),
          { timeout: 45_000, interval: 1000 },
        )
        .toEqual(texts);
      await p.locator('.message.mine.pending').first().waitFor({ state: 'detached', timeout: 10_000 });
      await p.context().close();
    } finally {
      await strict.close();
    }
  }, 90_000);

  it('fetches a message whose broadcast never came as soon as a later one shows the gap', async () => {
    const { patient, doctor, conversation } = await pairInConversation('Gail Gap', 'Dr. Lost Broadcast');
    await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'Before',
    });
    const p = await signIn(patient.email);
    await p.getByRole('button', { name: /Dr\. Lost Broadcast/ }).click();
    await p.locator('.message .text', { hasText: 'Before' }).waitFor();
    // Stored but never broadcast, as when a server dies between a commit and its fan-out.
    const { rows } = await t.db.query(
      'SELECT wrapped_key, key_version, last_seq, last_rev FROM conversations WHERE id = $1',
      [conversation.id],
    );
    const key = t.keyring.dataKey(conversation.id, {
      wrappedKey: rows[0].wrapped_key,
      keyVersion: rows[0].key_version,
    });
    const id = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_message_id, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        conversation.id,
        rows[0].last_seq + 1,
        rows[0].last_rev + 1,
        doctor.id,
        uniqueId('lost'),
        encryptText(key, 'The lost one', messageAad(conversation.id, id, 1)),
      ],
    );
    await t.db.query('UPDATE conversations SET last_seq = last_seq + 1, last_rev = last_rev + 1 WHERE id = $1', [
      conversation.id,
    ]);
    await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'After',
    });
    await expect
      .poll(() => p.locator('.message .text').allTextContents(), { timeout: 10_000 })
      .toEqual(['Before', 'The lost one', 'After']);
    await p.context().close();
  });

  it('loads older messages when scrolling up, without moving what the reader was looking at', async () => {
    const { patient, doctor, conversation } = await pairInConversation('Sam Scroll', 'Dr. Hist Ory');
    for (let i = 1; i <= 120; i++)
      await (i % 2 ? doctor : patient).api.post(`/api/chat/conversations/${conversation.id}/messages`, {
        clientMessageId: uniqueId('m'),
        content: `Message number ${i}`,
      });
    // Read up to the newest: a thread with unread messages opens at the first of them, not at the bottom.
    await t.db.query('UPDATE conversation_members SET last_read_seq = 120 WHERE conversation_id = $1', [
      conversation.id,
    ]);
    const p = await signIn(patient.email);
    await p.getByRole('button', { name: /Dr\. Hist Ory/ }).click();
    await p.locator('.message .text', { hasText: 'Message number 120' }).waitFor();
    expect(await p.locator('li.message').count()).toBe(50);
    const anchor = p.locator('li.message[data-seq="71"]');
    await p.locator('.messages').evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => p.locator('li.message').count()).toBe(100);
    // The message that was at the top is still near the top, not pushed out of view.
    const box = await anchor.boundingBox();
    const list = await p.locator('.messages').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(list!.y - 5);
    expect(box!.y).toBeLessThan(list!.y + list!.height);
    await p.context().close();
  }, 40_000);

  it('gives admins a read-only transcript under an audit banner, and the audit log shows the read', async () => {
    const { patient, conversation } = await pairInConversation('Ann Audited', 'Dr. Rex Reviewed');
    await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('m'),
      content: 'Please renew my prescription',
    });
    const admin = await personWithPassword('ADMIN', 'Ada Auditor');
    const page = await signIn(admin.email);
    await page.getByLabel('Search conversations').fill('Ann Audited');
    await page.getByRole('button', { name: /Ann Audited · Dr\. Rex Reviewed/ }).click();
    await page.getByLabel('Reason for opening this conversation').fill('Complaint review 88');
    await page.getByRole('button', { name: 'Open transcript' }).click();
    await page.getByText(/Audited access: your reading of this conversation is recorded with your reason/).waitFor();
    await page.getByText('Please renew my prescription').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0); // read-only
    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.getByLabel('Action').selectOption('admin.messages.read');
    await page
      .getByRole('button', { name: /Admin: transcript read.*Ada Auditor/ })
      .first()
      .waitFor();
    await page.context().close();
    // The patient sees who read the conversation, and why.
    const p = await signIn(patient.email);
    await p.getByRole('button', { name: /Dr\. Rex Reviewed/ }).click();
    await p.getByRole('button', { name: 'Who else read this' }).click();
    await p
      .getByRole('region', { name: 'Access log' })
      .getByText(/Ada Auditor \(admin\) · Complaint review 88/)
      .waitFor();
    await p.context().close();
  });

  it('scrolls a 10,000-message conversation end to end with fewer than 200 messages in the DOM', async () => {
    const { patient, doctor, conversation } = await pairInConversation('Lena Long', 'Dr. Max Memory');
    await seedHistory(t, conversation.id, [patient.id, doctor.id], 10_000);
    const p = await signIn(patient.email);
    await p.getByRole('button', { name: /Dr\. Max Memory/ }).click();
    await p.locator('li.message[data-seq="10000"]').waitFor();
    const window = () =>
      p
        .locator('li.message')
        .evaluateAll((els) => ({ count: els.length, seqs: els.map((e) => Number((e as HTMLElement).dataset.seq)) }));
    const contiguous = (seqs: number[]) => seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
    let most = 0;
    for (let first = Infinity; first > 1;) {
      // Scrolled again on every look, as a reader keeps scrolling: a scroll that lands while
      // the previous page is still loading is not the one that asks for the next.
      const scrolledUp = async () => {
        await p.locator('.messages').evaluate((el) => (el.scrollTop = 0));
        return (await window()).seqs[0];
      };
      await expect.poll(scrolledUp, { interval: 50, timeout: 15_000 }).toBeLessThan(first);
      const w = await window();
      expect(contiguous(w.seqs)).toBe(true);
      most = Math.max(most, w.count);
      first = w.seqs[0]!;
    }
    for (let last = 0; last < 10_000;) {
      const scrolledDown = async () => {
        await p.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
        return (await window()).seqs.at(-1);
      };
      await expect.poll(scrolledDown, { interval: 50, timeout: 15_000 }).toBeGreaterThan(last);
      const w = await window();
      expect(contiguous(w.seqs)).toBe(true);
      most = Math.max(most, w.count);
      last = w.seqs.at(-1)!;
    }
    expect(most).toBeLessThan(200);
    await p.context().close();
  }, 300_000);

  it.skipIf(!CLAMD_BINARY)(
    'sends a photo: upload with a preview, a thumbnail for the other side, the full image in a lightbox',
    async () => {
      const patient = await personWithPassword('PATIENT', 'Paula Photo');
      const doctor = await personWithPassword('DOCTOR', 'Dr. Iris Image');
      await createAppointment(t, patient, doctor);
      await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
      const p = await signIn(patient.email);
      await p.getByRole('button', { name: /Dr\. Iris Image/ }).click();
      const chooser = p.waitForEvent('filechooser');
      await p.getByRole('button', { name: 'Attach a file' }).click();
      await (await chooser).setFiles({ name: 'rash.png', mimeType: 'image/png', buffer: await cleanPng(120, 90) });
      await p.locator('.uploads img[alt="rash.png"]').waitFor();
      await p.getByLabel('Message', { exact: true }).fill('Here is the photo');
      await p.getByRole('button', { name: 'Send' }).click();
      const d = await signIn(doctor.email);
      await d.getByRole('button', { name: /Paula Photo/ }).click();
      const thumb = d.locator('.message img[alt="rash.png"]');
      await thumb.waitFor();
      await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(120);
      await d.getByRole('link', { name: 'View rash.png' }).click();
      await d.getByRole('dialog', { name: 'rash.png' }).waitFor();
      await d.keyboard.press('Escape');
      expect(await d.getByRole('dialog', { name: 'rash.png' }).count()).toBe(0);
      await p.context().close();
      await d.context().close();
    },
  );

  it('warns before signing out an idle session, keeps it on request, then signs out, notifications off', async () => {
    // 9 s idle: the warning comes 3 s before, enough margin on a loaded machine. Every step has
    // its own timeout, shorter than the test's, so a failure names the step.
    const idle = await startTestApp({ SESSION_IDLE_MINUTES: String(9 / 60), SESSION_SWEEP_SECONDS: '1' });
    try {
      const patient = await personWithPassword('PATIENT', 'Ivy Idle', idle);
      const p = await signIn(patient.email, idle, async (context) => {
        // This machine's Chromium reaches no push service: the browser's subscription is played by a stand-in.
        await context.addInitScript(() => {
          const fake = {
            endpoint: 'https://fcm.googleapis.com/fcm/send/ivy',
            unsubscribe: async () => ((window as any).__pushUnsubscribed = true),
          };
          PushManager.prototype.getSubscription = async () =>
            (window as any).__pushUnsubscribed ? null : (fake as unknown as PushSubscription);
        });
      });
      const warning = p.getByRole('alertdialog', { name: 'Automatic sign-out' });
      await warning.waitFor({ timeout: 12_000 });
      await p.getByRole('button', { name: 'Stay signed in' }).click({ timeout: 5000 });
      await warning.waitFor({ state: 'hidden', timeout: 5000 });
      await p.getByRole('navigation').first().waitFor({ timeout: 5000 });
      await p
        .getByText('You were signed out after a period without activity.')
        .or(p.getByText('Your session has ended.'))
        .waitFor({ timeout: 20_000 });
      await p.getByLabel('Email').waitFor({ timeout: 5000 });
      // The next person at this computer gets no notifications meant for the last one.
      await expect
        .poll(() => p.evaluate(() => (window as any).__pushUnsubscribed === true), { timeout: 5000 })
        .toBe(true);
      await p.context().close();
    } finally {
      await idle.close();
    }
  }, 120_000);

  it('works from the keyboard alone, and takes files by paste and by drag-and-drop', async () => {
    const { patient, doctor } = await pairInConversation('Kim Keys', 'Dr. Tab Order');
    const page = await (await browser.newContext()).newPage();
    await page.goto(t.url);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(patient.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('e2e-password');
    await page.keyboard.press('Enter');
    const row = page.getByRole('button', { name: /Dr\. Tab Order/ });
    await row.waitFor();
    await row.focus();
    await page.keyboard.press('Enter');
    const composer = page.getByLabel('Message', { exact: true });
    await composer.focus();
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await page.locator('.message.mine .text', { hasText: 'Typed without a mouse' }).waitFor();
    // The focused element is visibly outlined.
    expect(await composer.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');

    if (CLAMD_BINARY) {
      const png = (await cleanPng(30, 20)).toString('base64');
      await composer.evaluate((el, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, png);
      await page.locator('.uploads img[alt="pasted.png"]').waitFor();
      await page.locator('.composer').evaluate((el, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, png);
      await page.locator('.uploads img[alt="dropped.png"]').waitFor();
      await composer.focus();
      await page.keyboard.press('Enter');
      await page.locator('.message.mine img[alt="dropped.png"]').waitFor();
      const sent = (await doctor.api.get(`/api/chat/conversations?limit=1`)).body.data[0];
      const last = (await doctor.api.get(`/api/chat/conversations/${sent.id}/messages`)).body.data.at(-1);
      expect(last.attachments.map((a: any) => a.fileName)).toEqual(['pasted.png', 'dropped.png']);
    }
    await page.context().close();
  });

  it('asks for the authenticator code when the account has two-factor sign-in', async () => {
    const doctor = await personWithPassword('DOCTOR', 'Dr. Two Factor');
    const enrol = await doctor.api.post('/api/auth/mfa/enroll');
    const app = new TOTP({ secret: Secret.fromBase32(enrol.body.secret), algorithm: 'SHA1', digits: 6, period: 30 });
    await doctor.api.post('/api/auth/mfa/confirm', { code: app.generate() });
    const last = Number(
      (await t.db.query('SELECT totp_last_step FROM users WHERE id = $1', [doctor.id])).rows[0].totp_last_step,
    );
    const page = await (await browser.newContext()).newPage();
    await page.goto(t.url);
    await page.getByLabel('Email').fill(doctor.email);
    await page.getByLabel('Password').fill('e2e-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'authenticator app' }).waitFor();
    await page.getByLabel('Authentication code').fill(app.generate({ timestamp: (last + 1) * 30_000 }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').first().waitFor();
    await page.context().close();
  });
  it('registers its service worker, shows a push without content; a click on it opens the conversation', async () => {
    const { patient, doctor, conversation } = await pairInConversation('Nia Notify', 'Dr. Push Click');
    const page = await signIn(patient.email);
    const context = page.context();
    await context.grantPermissions(['notifications'], { origin: t.url });
    const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    expect(sw.url()).toBe(`${t.url}/sw.js`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // The setting to name the sender is the person's own, kept by the server.
    await accountAction(page, 'Notifications');
    const panel = page.getByRole('dialog', { name: 'Notification settings' });
    await panel.getByLabel(/Show who wrote/).check();
    await expect.poll(async () => (await patient.api.get('/api/push/settings')).body.showSender).toBe(true);
    await panel.getByLabel(/Show who wrote/).uncheck();
    await expect.poll(async () => (await patient.api.get('/api/push/settings')).body.showSender).toBe(false);
    // This machine's Chromium reaches no push service, so turning notifications on fails: the
    // person is told why in plain words, the switch stays off and the server keeps nothing.
    const notify = panel.getByLabel(/Notify me on this device/);
    await notify.click();
    await expect
      .poll(() => panel.getByRole('alert').textContent(), { timeout: 10_000 })
      .toMatch(/could not turn on notifications/);
    expect(await notify.isChecked()).toBe(false);
    expect(await notify.isDisabled()).toBe(false);
    expect(
      (await t.db.query('SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1', [patient.id])).rows[0]
        .n,
    ).toBe(0);
    await panel.getByRole('button', { name: 'Done' }).click();

    // A push as the push service hands it to the browser (this machine has no push service).
    await sw.evaluate((id) => {
      const scope = self as any;
      scope.dispatchEvent(
        new scope.PushEvent('push', { data: JSON.stringify({ title: 'New secure message', conversationId: id }) }),
      );
    }, conversation.id);
    const shown = await sw.evaluate(async () => {
      const scope = self as any;
      for (let i = 0; i < 50; i++) {
        const list = await scope.registration.getNotifications();
        if (list.length) return list.map((n: any) => ({ title: n.title, body: n.body, tag: n.tag }));
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    });
    expect(shown).toEqual([
      { title: 'New secure message', body: 'Open CareChat to read it.', tag: `conversation:${conversation.id}` },
    ]);
    expect(await page.evaluate(() => (window as any).__carechat.getSnapshot().openId)).toBeNull();

    await sw.evaluate(async () => {
      const scope = self as any;
      const [n] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: n }));
    });
    await page.getByRole('region', { name: `Conversation with ${doctor.name}` }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).__carechat.getSnapshot().openId)).toBe(conversation.id);

    // With no CareChat window open, the worker opens `/?conversation=<id>`. A synthetic click
    // has no user activation, which clients.openWindow needs, so the page it opens is loaded here.
    await page.close();
    const fresh = await context.newPage();
    await fresh.goto(`${t.url}/?conversation=${conversation.id}`);
    await fresh.getByRole('region', { name: `Conversation with ${doctor.name}` }).waitFor({ timeout: 10_000 });
    expect(await fresh.evaluate(() => (window as any).__carechat.getSnapshot().openId)).toBe(conversation.id);
    await context.close();
  });

  it('makes a doctor set up two-factor sign-in before the app opens, then asks a code at next sign-in', async () => {
    const strict = await startTestApp({ MFA_REQUIRED_ROLES: 'DOCTOR' });
    try {
      const doctor = await personWithPassword('DOCTOR', 'Dr. Enrol Browser', strict);
      const page = await (await browser.newContext()).newPage();
      const signInWithPassword = async () => {
        await page.getByLabel('Email').fill(doctor.email);
        await page.getByLabel('Password').fill('e2e-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await page.goto(strict.url);
      await signInWithPassword();

      // The enrolment screen stands in place of the app.
      const gate = page.getByRole('region', { name: 'Set up two-factor sign-in' });
      await gate.waitFor();
      expect(await page.getByRole('navigation').count()).toBe(0);
      await gate.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const secret = (await gate.getByLabel('Setup key').inputValue()).replace(/\s/g, '');
      expect(await gate.getByRole('link', { name: 'open the authenticator app' }).getAttribute('href')).toMatch(
        /^otpauth:\/\/totp\/CareChat:/,
      );
      const app = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
      const confirmCode = gate.getByLabel('Enter the 6-digit code the app shows');
      await confirmCode.fill(app.generate());
      await confirmCode.press('Enter');

      // The recovery codes, once, and no way on until the person says they kept them.
      await gate.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
      const codes = await gate.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
      expect(codes).toHaveLength(10);
      const proceed = gate.getByRole('button', { name: 'Continue to CareChat' });
      expect(await proceed.isDisabled()).toBe(true);
      await gate.getByLabel('I have saved my recovery codes').check();
      await proceed.click();
      await page.getByRole('navigation').first().waitFor();
      expect(await gate.count()).toBe(0);

      // Next time the password alone is not enough.
      await accountAction(page, 'Sign out');
      await signInWithPassword();
      await page.getByRole('alert').filter({ hasText: 'authenticator app' }).waitFor();
      const last = Number(
        (await strict.db.query('SELECT totp_last_step FROM users WHERE id = $1', [doctor.id])).rows[0].totp_last_step,
      );
      await page.getByLabel('Authentication code').fill(app.generate({ timestamp: (last + 1) * 30_000 }));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation').first().waitFor();
      await accountAction(page, 'Two-factor sign-in');
      await page.getByRole('dialog', { name: 'Two-factor sign-in' }).getByText('Two-factor sign-in is on').waitFor();
      await page.context().close();
    } finally {
      await strict.close();
    }
  }, 120_000);
});
