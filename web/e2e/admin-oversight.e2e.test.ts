import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { auditRowsOf } from '../../server/src/test/audit.js';
import { clientId, createAppointment } from '../../server/src/test/factories.js';
import { CHROMIUM, personWithPassword, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { sideways } from './history.js';

let t: TestApp;
let browser: Browser;

/** Today's ISO weekday in UTC: the app here works every day but today, so every read is outside working hours. */
const today = ((new Date().getUTCDay() + 6) % 7) + 1;
const OTHER_DAYS = [1, 2, 3, 4, 5, 6, 7].filter((d) => d !== today).join(',');

/** A patient and a doctor and their conversation, with `messages` sent through the API. */
async function pair(tag: string, messages: string[] = []) {
  const patient = await personWithPassword(t, 'PATIENT', `Olive Over ${tag}`);
  const doctor = await personWithPassword(t, 'DOCTOR', `Dr. Vic Over ${tag}`);
  await createAppointment(t, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  for (const content of messages)
    expect(
      (
        await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
          clientMessageId: clientId(),
          content,
        })
      ).status,
    ).toBe(201);
  return { patient, doctor, conversation };
}

const countOf = async (page: Page, kind: string) =>
  Number(await page.getByRole('region', { name: kind }).locator('h2 .count').textContent());

describe.skipIf(!existsSync(CHROMIUM))('the oversight page, e-discovery and the actions’ state in Chromium', () => {
  const started = useBrowserApp(() => ({
    OVERSIGHT_WORKING_DAYS: OTHER_DAYS,
    OVERSIGHT_BURST_CONVERSATIONS: '2',
    OVERSIGHT_BURST_MINUTES: '10',
  }));
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (width, viewport) => {
    it('counts the reads that need a look and opens each one, or the reader’s run in the log', async () => {
      const first = await pair(`${width} one`, ['Private: results attached']);
      const second = await pair(`${width} two`);
      const reader = await personWithPassword(t, 'ADMIN', `Rex Reader ${width}`);
      const read = (c: string, reason = '') =>
        reader.api.get(`/api/admin/conversations/${c}/transcript${reason && `?reason=${reason}`}`);
      expect((await read(first.conversation.id)).status).toBe(200); // no reason given
      expect((await read(second.conversation.id, 'Sample%2012')).status).toBe(200);

      const admin = await personWithPassword(t, 'ADMIN', `Ada Oversight ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByRole('button', { name: 'Oversight' }).click();
      const noReason = page.getByRole('region', { name: 'No reason given' });
      const readerRow = noReason.locator('.audit-row', { hasText: reader.name });
      await expect.poll(() => readerRow.count()).toBe(1);
      expect(await readerRow.textContent()).toContain('no reason given');
      expect(await countOf(page, 'No reason given')).toBeGreaterThanOrEqual(1);
      // Outside working hours (today is not a working day here): both of the reader's reads.
      const outside = page.getByRole('region', { name: 'Outside working hours' });
      expect(await outside.locator('.audit-row', { hasText: reader.name }).count()).toBe(2);
      expect(await countOf(page, 'Outside working hours')).toBeGreaterThanOrEqual(2);
      const runs = page.getByRole('region', { name: 'Many conversations in a short time' });
      const run = runs.locator('.audit-row', { hasText: reader.name });
      expect(await run.textContent()).toContain('2 conversations, 2 reads');
      expect(await page.getByRole('region', { name: 'Oversight' }).textContent()).not.toContain('Private');
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      // A read opens its audit row in full.
      await readerRow.click();
      const detail = page.getByRole('region', { name: 'Event detail' });
      expect(await detail.textContent()).toMatch(/admin\.messages\.read.*Rex Reader.*In the hash chain/s);
      expect(await detail.textContent()).toContain('"flagged": true');
      await detail.getByRole('button', { name: '← Audit log' }).click();

      // A run opens the audit log on that reader and those days.
      await runs.locator('.audit-row', { hasText: reader.name }).click();
      const log = page.getByRole('region', { name: 'Audit log' });
      await log.getByText(`Person: ${reader.name}`).waitFor();
      await expect
        .poll(async () => (await log.locator('.audit-row').allTextContents()).filter((r) => r.includes('transcript')))
        .toHaveLength(2);
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      // Looking was itself recorded, as a list with counts and no conversation.
      const viewed = await auditRowsOf(t.db, admin.id, 'admin.oversight.read');
      expect(viewed.length).toBeGreaterThanOrEqual(1);
      expect(viewed[0]!.conversation_id).toBeNull();
      await page.context().close();
    });

    it('downloads one person’s conversations and audit events as one e-discovery file, with a reason', async () => {
      const { patient, conversation } = await pair(`${width} ediscovery`, ['First question', 'Second question']);
      const admin = await personWithPassword(t, 'ADMIN', `Ada Discovery ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByRole('button', { name: 'E-discovery' }).click();
      const form = page.getByRole('region', { name: 'E-discovery' });
      await form.getByLabel('Person', { exact: true }).fill(patient.name.slice(0, -3));
      await form
        .getByRole('list', { name: 'People found' })
        .getByRole('button', { name: new RegExp(patient.name) })
        .click();
      await form.getByText(`Person: ${patient.name}`).waitFor();
      // No link without a reason.
      expect(await form.getByRole('link', { name: 'Download e-discovery export' }).count()).toBe(0);
      await form.getByLabel('Reason for the export').fill('Subpoena 2026-17');
      const link = form.getByRole('link', { name: 'Download e-discovery export' });
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(bundle).toMatchObject({ resourceType: 'Bundle', identifier: { value: patient.id } });
      const [record] = bundle.entry.filter((e: any) => e.resource.resourceType === 'Bundle');
      expect(record.resource.identifier.value).toBe(conversation.id);
      const texts = record.resource.entry
        .filter((e: any) => e.resource.resourceType === 'Communication')
        .map((e: any) => e.resource.payload[0].contentString);
      expect(texts).toEqual(['First question', 'Second question']);
      const sends = bundle.entry.filter((e: any) => e.resource.subtype?.[0].code === 'messages.send');
      expect(sends).toHaveLength(2);

      const rows = await auditRowsOf(t.db, admin.id, 'admin.ediscovery.export');
      expect(rows.map((r) => [r.target_id, r.details.reason, r.details.conversations])).toEqual([
        [patient.id, 'Subpoena 2026-17', 1],
      ]);
      await page.context().close();
    });

    it('shows the legal hold, shredding and who is blocked beside the actions, and toggles them', async () => {
      const { patient, doctor } = await pair(`${width} state`, ['Hello']);
      const admin = await personWithPassword(t, 'ADMIN', `Ada State ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByLabel('Search conversations').fill(patient.name);
      await page.getByRole('button', { name: new RegExp(`${patient.name} · ${doctor.name}`) }).click();
      await page.getByLabel('Reason for opening this conversation').fill('Hold request #3');
      await page.getByRole('button', { name: 'Open transcript' }).click();
      const acts = page.locator('details.admin-actions');
      await acts.getByText('Admin actions').click();
      const state = acts.getByRole('definition');
      const current = async () => (await state.allTextContents()).join(' | ');
      const confirm = acts.getByRole('group', { name: 'Confirm' }).getByRole('button', { name: 'Confirm' });
      expect(await current()).toBe('Off | No | active | active');
      expect(await acts.getByRole('button', { name: 'Lift legal hold' }).count()).toBe(0);

      await acts.getByRole('button', { name: 'Put on legal hold' }).click();
      await confirm.click();
      await expect.poll(current).toBe('On | No | active | active');
      expect(await acts.getByRole('button', { name: 'Put on legal hold' }).count()).toBe(0);

      await acts.getByRole('button', { name: `Block ${doctor.name}`, exact: true }).click();
      await confirm.click();
      await expect.poll(current).toBe('On | No | active | blocked');
      expect(await acts.getByRole('button', { name: `Block ${doctor.name}`, exact: true }).count()).toBe(0);
      await acts.getByRole('button', { name: `Unblock ${doctor.name}` }).click();
      await confirm.click();
      await expect.poll(current).toBe('On | No | active | active');

      await acts.getByRole('button', { name: 'Lift legal hold' }).click();
      await confirm.click();
      await expect.poll(current).toBe('Off | No | active | active');
      await acts.getByRole('button', { name: 'Crypto-shred…' }).click();
      await acts.getByLabel('Reason for shredding').fill('Erasure #4');
      await acts.getByLabel('Type SHRED to confirm').fill('SHRED');
      await confirm.click();
      await expect.poll(current).toMatch(/^Off \| \d.* \| active \| active$/);
      expect(await acts.getByRole('button', { name: 'Crypto-shred…' }).count()).toBe(0);
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      // Back to the list (loaded before any of it) and in again: the state shown is read afresh.
      if (width === 'phone') await page.getByRole('button', { name: '← Conversations' }).click();
      await page.getByRole('button', { name: new RegExp(`${patient.name} · ${doctor.name}`) }).click();
      await page.getByLabel('Reason for opening this conversation').fill('Hold request #3');
      await page.getByRole('button', { name: 'Open transcript' }).click();
      await page.locator('details.admin-actions').getByText('Admin actions').click();
      await expect.poll(current).toMatch(/^Off \| \d.* \| active \| active$/);
      await page.context().close();
    });
  });
});
