import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { clientId, createAppointment } from '../../server/src/test/factories.js';
import { CHROMIUM, personWithPassword, signIn, useBrowserApp, VIEWPORTS } from './browser.js';

let t: TestApp;
let browser: Browser;
const SECRET = 'Private: my test results';

/** A conversation with two sends, an edit and a reaction, through the API. */
async function activity(tag: string) {
  const patient = await personWithPassword(t, 'PATIENT', `Pia Trail ${tag}`);
  const doctor = await personWithPassword(t, 'DOCTOR', `Dr. Tom Trail ${tag}`);
  await createAppointment(t, patient, doctor);
  const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
  const send = (who: typeof patient, content: string) =>
    who.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content });
  const first = (await send(patient, SECRET)).body;
  const second = (await send(doctor, `${SECRET}, answered`)).body;
  expect((await patient.api.patch(`/api/chat/messages/${first.id}`, { content: `${SECRET}!` })).status).toBe(200);
  expect((await patient.api.put(`/api/chat/messages/${second.id}/reactions/${encodeURIComponent('👍')}`)).status).toBe(
    200,
  );
  return { patient, doctor, conversation };
}

const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const rowsOf = (page: Page) => page.getByRole('region', { name: 'Audit log' }).locator('.audit-row');

describe.skipIf(!existsSync(CHROMIUM))('the audit log and admin actions in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (width, viewport) => {
    it('searches by person and action, opens a row, exports the filtered range, verifies the chain', async () => {
      const { patient, doctor } = await activity(width);
      const admin = await personWithPassword(t, 'ADMIN', `Ada Trail ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByRole('button', { name: 'Audit log' }).click();
      const log = page.getByRole('region', { name: 'Audit log' });

      // The person by name, not id.
      await log.getByLabel('Person', { exact: true }).fill(patient.name.slice(0, -2));
      await log
        .getByRole('list', { name: 'People found' })
        .getByRole('button', { name: new RegExp(patient.name) })
        .click();
      // The list shows this person's events only once the filter has been applied.
      const mine = async () => {
        const rows = await rowsOf(page).allTextContents();
        return rows.length > 0 && rows.every((r) => r.includes(patient.name)) ? rows : [];
      };
      // Polled as one: the list may be re-rendered between reads while the filter settles.
      await expect
        .poll(async () => {
          const texts = await mine();
          return (
            texts.some((r) => r.includes('Message sent')) &&
            texts.some((r) => r.includes('Reaction added') && r.includes(`${patient.name} · ${doctor.name}`))
          );
        })
        .toBe(true);
      expect(await log.textContent()).not.toContain('Private');

      // The action picker; the row opens in full.
      await log.getByLabel('Action').selectOption('messages.edit');
      await expect.poll(() => rowsOf(page).count()).toBe(1);
      await rowsOf(page).first().click();
      const detail = page.getByRole('region', { name: 'Event detail' });
      expect(await detail.textContent()).toMatch(/messages\.edit.*Pia Trail.*Dr\. Tom Trail.*not in the hash chain/s);
      expect(await detail.textContent()).toContain('"version": 2');
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await detail.getByRole('button', { name: '← Audit log' }).click();

      // Nothing of that kind by this person.
      await log.getByLabel('Action').selectOption('admin.conversation.shred');
      await log.getByText('Nothing matches these filters.').waitFor();

      // The export carries the filters: this person's sends only, oldest first, no content.
      await log.getByLabel('Action').selectOption('messages.send');
      const href = await log.getByRole('link', { name: 'Export JSON lines' }).getAttribute('href');
      expect(href).toContain(`actorId=${patient.id}`);
      const exported = await page.request.get(new URL(href!, t.url).toString());
      expect(exported.status()).toBe(200);
      const lines = (await exported.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((e) => [e.action, e.actorName])).toEqual([['messages.send', patient.name]]);
      const fhir = await page.request.get(
        new URL((await log.getByRole('link', { name: 'Export FHIR AuditEvents' }).getAttribute('href'))!, t.url).href,
      );
      expect((await fhir.json()).entry.map((e: any) => e.resource.action)).toEqual(['C']);

      await log.getByRole('button', { name: 'Verify the chain' }).click();
      await expect.poll(() => log.getByRole('status').textContent()).toMatch(/^Chain intact: \d+ events checked$/);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await page.context().close();
    });

    it('holds, lifts, shreds with a typed confirmation and a reason, blocks, and offers the FHIR record', async () => {
      const { patient, doctor, conversation } = await activity(`${width} acts`);
      const admin = await personWithPassword(t, 'ADMIN', `Ada Acts ${width}`);
      const page = await signIn(browser, t, admin.email, { viewport });
      await page.getByLabel('Search conversations').fill(patient.name);
      await page.getByRole('button', { name: new RegExp(`${patient.name} · ${doctor.name}`) }).click();
      await page.getByLabel('Reason for opening this conversation').fill('Legal request #77');
      await page.getByRole('button', { name: 'Open transcript' }).click();
      const acts = page.locator('details.admin-actions');
      await acts.getByText('Admin actions').click();
      const confirm = acts.getByRole('group', { name: 'Confirm' }).getByRole('button', { name: 'Confirm' });
      const legalHold = async () =>
        (await t.db.query('SELECT legal_hold FROM conversations WHERE id = $1', [conversation.id])).rows[0].legal_hold;

      await acts.getByRole('button', { name: 'Put on legal hold' }).click();
      await confirm.click();
      await acts.getByRole('status').getByText('On legal hold').waitFor();
      expect(await legalHold()).toBe(true);

      // Shredding asks for the word and a reason, and is refused while the hold stands.
      await acts.getByRole('button', { name: 'Crypto-shred…' }).click();
      expect(await confirm.isDisabled()).toBe(true);
      await acts.getByLabel('Reason for shredding').fill('Patient erasure request #9');
      await acts.getByLabel('Type SHRED to confirm').fill('shred');
      expect(await confirm.isDisabled()).toBe(true);
      await acts.getByLabel('Type SHRED to confirm').fill('SHRED');
      await confirm.click();
      await expect.poll(() => acts.getByRole('alert').textContent()).toContain('legal hold');

      await acts.getByRole('button', { name: 'Lift legal hold' }).click();
      await confirm.click();
      await acts.getByRole('status').getByText('Legal hold lifted').waitFor();
      expect(await legalHold()).toBe(false);
      await acts.getByRole('button', { name: 'Crypto-shred…' }).click();
      await acts.getByLabel('Reason for shredding').fill('Patient erasure request #9');
      await acts.getByLabel('Type SHRED to confirm').fill('SHRED');
      await confirm.click();
      await acts
        .getByRole('status')
        .getByText(/Crypto-shredded/)
        .waitFor();
      const shredded = await t.db.query(
        "SELECT details FROM audit_events WHERE action = 'admin.conversation.shred' AND conversation_id = $1",
        [conversation.id],
      );
      expect(shredded.rows.map((r) => r.details.reason)).toEqual(['Patient erasure request #9']);

      await acts.getByRole('button', { name: `Block ${doctor.name}`, exact: true }).click();
      await confirm.click();
      await acts.getByRole('status').getByText(`${doctor.name} blocked`).waitFor();
      const status = await t.db.query('SELECT status FROM users WHERE id = $1', [doctor.id]);
      expect(status.rows[0].status).toBe('blocked');
      await acts.getByRole('button', { name: `Unblock ${doctor.name}` }).click();
      await confirm.click();
      await acts.getByRole('status').getByText(`${doctor.name} unblocked`).waitFor();

      expect(await acts.getByRole('link', { name: 'Download FHIR export' }).getAttribute('href')).toBe(
        `/api/admin/conversations/${conversation.id}/export?reason=${encodeURIComponent('Legal request #77')}`,
      );
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await page.context().close();
    });
  });
});
