import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { accountAction, CHROMIUM, personWithPassword, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { sideways } from './history.js';

let t: TestApp;
let browser: Browser;

describe.skipIf(!existsSync(CHROMIUM))('reminder settings in Chromium', () => {
  const started = useBrowserApp();
  beforeAll(() => void ({ app: t, browser } = started));

  describe.each(Object.entries(VIEWPORTS))('at %s width', (_, viewport) => {
    it('lets a patient choose reminder channels and quiet hours in their own zone', async () => {
      const patient = await personWithPassword(t, 'PATIENT', 'Rita Reminder');
      // The clinic's platform knows her e-mail address, not a mobile number.
      const put = await t.service.put(`/api/integration/users/${patient.id}`, {
        name: patient.name,
        email: patient.email,
        role: 'PATIENT',
        status: 'active',
        contact: { email: `${patient.id}@mail.example` },
      });
      expect(put.status).toBe(200);

      const page = await signIn(browser, t, patient.email, { viewport, timezoneId: 'America/Chicago' });
      await accountAction(page, 'Notifications');
      const panel = page.getByRole('dialog', { name: 'Notification settings' });
      const group = panel.getByRole('group', { name: 'E-mail and text reminders' });
      await group.waitFor();
      // Never saved: the browser's zone is offered, not the clinic's default.
      await expect.poll(() => group.getByLabel('Time zone').inputValue()).toBe('America/Chicago');
      const sms = group.getByLabel(/By text message/);
      expect(await sms.isDisabled()).toBe(true);
      await expect.poll(() => group.textContent()).toContain('no mobile number on file');

      const email = group.getByLabel(/By e-mail/);
      // E-mail is on by default when an address is known; she turns it off, then on again, and saves.
      expect(await email.isChecked()).toBe(true);
      await email.uncheck();
      await email.check();
      await group.getByLabel('from').fill('22:30');
      await group.getByLabel('until').fill('07:15');
      await group.getByLabel('Time zone').selectOption('Europe/Madrid');
      // Every control of the panel can be reached on a phone: the panel scrolls inside, the page never sideways.
      await group.getByRole('button', { name: 'Save reminders' }).scrollIntoViewIfNeeded();
      await group.getByRole('button', { name: 'Save reminders' }).click();
      await expect.poll(() => group.getByRole('status').textContent()).toBe('Reminder settings saved.');
      expect(await sideways(page)).toBe(0);

      const saved = (await patient.api.get('/api/me/reminders')).body;
      expect(saved).toMatchObject({
        channels: ['email'],
        quietHours: { start: '22:30', end: '07:15', timeZone: 'Europe/Madrid' },
        known: { email: true, phone: false },
        saved: true,
      });

      // Opened again, the panel shows what the server keeps.
      await panel.getByRole('button', { name: 'Done' }).click();
      await accountAction(page, 'Notifications');
      await expect.poll(() => group.getByLabel('Time zone').inputValue()).toBe('Europe/Madrid');
      expect(await group.getByLabel('from').inputValue()).toBe('22:30');

      // Turning every channel off is a choice the server keeps too (no reminders at all).
      await group.getByLabel(/By e-mail/).uncheck();
      await group.getByRole('button', { name: 'Save reminders' }).click();
      await expect.poll(async () => (await patient.api.get('/api/me/reminders')).body.channels).toEqual([]);
      await page.context().close();
    });
  });
});
