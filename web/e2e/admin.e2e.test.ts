import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { auditRowsOf } from '../../server/src/test/audit.js';
import { clientId, createAppointment, upload } from '../../server/src/test/factories.js';
import { cleanPng } from '../../server/src/test/files.js';
import { CHROMIUM, personWithPassword, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { sideways } from './history.js';

let t: TestApp;
let browser: Browser;
const DAY = 86_400_000;
/** A day `n` days ago as a date input takes it (the browser and the server both run in UTC here). */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

/**
 * A conversation of 61 messages over three days: #2 edited, #3 deleted, #60 a reply with a
 * reaction, #61 a picture. Sent through the API; only their times are moved back, in SQL.
 */
async function conversationToAudit(tag: string) {
  const patient = await personWithPassword(t, 'PATIENT', `Paula Audit ${tag}`);
  const doctor = await personWithPassword(t, 'DOCTOR', `Dr. Otto Audit ${tag}`);
  await createAppointment(t, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  const c = conversation.id;
  const sent: { id: string }[] = [];
  for (let n = 1; n <= 60; n++) {
    const sender = n % 2 ? patient : doctor;
    const res = await sender.api.post(`/api/chat/conversations/${c}/messages`, {
      clientMessageId: clientId(),
      content: n === 60 ? 'Yes, that is it' : `Message ${n}`,
      ...(n === 60 ? { replyToId: sent[58]!.id } : {}),
    });
    expect(res.status).toBe(201);
    sent.push(res.body);
  }
  expect(
    (await doctor.api.patch(`/api/chat/messages/${sent[1]!.id}`, { content: 'Message 2, corrected' })).status,
  ).toBe(200);
  expect((await patient.api.delete(`/api/chat/messages/${sent[2]!.id}?scope=everyone`)).status).toBe(204);
  expect(
    (await patient.api.put(`/api/chat/messages/${sent[59]!.id}/reactions/${encodeURIComponent('👍')}`)).status,
  ).toBe(200);
  const photo = await upload(t, patient, c, await cleanPng(64, 48), 'rash.png');
  expect(photo.status).toBe(201);
  const withFile = await patient.api.post(`/api/chat/conversations/${c}/messages`, {
    clientMessageId: clientId(),
    attachmentIds: [photo.body.id],
  });
  expect(withFile.status).toBe(201);
  await t.db.query(
    `UPDATE messages SET created_at = created_at - make_interval(days => CASE WHEN seq <= 20 THEN 3 ELSE 2 END)
      WHERE conversation_id = $1 AND seq <= 40`,
    [c],
  );
  return { patient, doctor, conversation, photo: photo.body };
}

const entry = (page: Page, seq: number) => page.getByRole('article', { name: `Message ${seq}`, exact: true });

describe.skipIf(!existsSync(CHROMIUM))('the admin console in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (width, viewport) => {
    it('lists who and when without content, and opens the whole transcript with a reason', async () => {
      const { patient, doctor, conversation, photo } = await conversationToAudit(width);
      const admin = await personWithPassword(t, 'ADMIN', `Ada Audit ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByLabel('Search conversations').fill(patient.name);
      const row = page.getByRole('button', { name: new RegExp(`${patient.name} · ${doctor.name}`) });
      await expect.poll(() => row.textContent()).toContain('61 messages · 1 file · 1 edited · 1 deleted');
      expect(await page.getByRole('navigation').textContent()).not.toMatch(/Message \d|Yes, that is it/);
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      await row.click();
      await page.getByLabel('Reason for opening this conversation').fill('Complaint #512 review');
      await page.getByRole('button', { name: 'Open transcript' }).click();
      const transcript = page.getByRole('region', { name: 'Transcript' });
      await entry(page, 61).waitFor();
      if (width === 'phone') expect(await page.getByRole('navigation').isVisible()).toBe(false);
      // The newest page: 12 to 61, with the quote, the reaction and the file.
      expect(await entry(page, 12).isVisible()).toBe(true);
      expect(await entry(page, 11).count()).toBe(0);
      expect(await entry(page, 60).textContent()).toMatch(/Replying to .* \(#59\): Message 59.*Yes, that is it.*👍/);
      expect(await entry(page, 61).textContent()).toContain('rash.png');
      await entry(page, 61).getByRole('button', { name: 'Preview' }).click();
      const img = entry(page, 61).getByRole('img', { name: 'Preview of rash.png' });
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
      expect(await entry(page, 61).getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(
        `/api/admin/attachments/${photo.id}?reason=${encodeURIComponent('Complaint #512 review')}`,
      );

      // Back to the first message: the deleted one with its former text, the edited one with its versions.
      await transcript.getByRole('button', { name: 'Earlier messages' }).click();
      await entry(page, 1).waitFor();
      expect(await transcript.getByRole('button', { name: 'Earlier messages' }).count()).toBe(0);
      expect(await entry(page, 3).textContent()).toMatch(/Deleted .*Former content Message 3/);
      await entry(page, 2).getByText('1 earlier version').click();
      expect(await entry(page, 2).textContent()).toMatch(/Message 2, corrected.*Version 1 Message 2 replaced/);

      // A jump to two days ago starts at the first message sent that day.
      await page.getByLabel('Jump to date').fill(daysAgo(2));
      await transcript.getByRole('button', { name: 'Go' }).click();
      await expect.poll(() => transcript.getByRole('article').first().getAttribute('aria-label')).toBe('Message 21');
      expect(await transcript.getByRole('button', { name: 'Earlier messages' }).isVisible()).toBe(true);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      if (width === 'phone') {
        await page.getByRole('button', { name: '← Conversations' }).click();
        expect(await page.getByRole('navigation').isVisible()).toBe(true);
      }

      // Listing was one event and no read; each page and the preview are reads the patient sees, with the reason.
      const rows = await auditRowsOf(t.db, admin.id);
      expect(rows.filter((r) => r.action === 'admin.conversations.list').every((r) => !r.conversation_id)).toBe(true);
      const log = (await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`)).body.data;
      expect(log.map((e: any) => e.action)).toEqual([
        'admin.messages.read',
        'admin.messages.read',
        'admin.attachments.thumbnail',
        'admin.messages.read',
      ]);
      for (const e of log) expect(e).toMatchObject({ actorName: admin.name, reason: 'Complaint #512 review' });
      await page.context().close();
    });
  });
});
