import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../server/src/test/app.js';
import { createAppointment, sendText, setCareTeam } from '../../server/src/test/factories.js';
import { CHROMIUM, openConversation, personWithPassword, signIn, useBrowserApp, VIEWPORTS } from './browser.js';
import { sideways } from './history.js';

/**
 * A doctor with Nurse Joy on the team and three patients: the first has waited two hours, the
 * second since now, the third was answered.
 */
async function clinic(app: TestApp, size: string) {
  const doctor = await personWithPassword(app, 'DOCTOR', `Dr. Triage ${size}`);
  const nurse = await personWithPassword(app, 'STAFF', 'Nurse Joy', 'RN');
  await setCareTeam(app, doctor, [nurse]);
  const names = ['Olive Oldest', 'Nora Newer', 'Ann Answered'].map((n) => `${n} ${size}`);
  const conversations: string[] = [];
  for (const name of names) {
    const patient = await personWithPassword(app, 'PATIENT', name);
    await createAppointment(app, patient, doctor);
    const { id } = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(patient, id, `A question from ${name}`);
    conversations.push(id);
  }
  // Two hours of waiting cannot be waited for: the first wait is moved back, as if sent then.
  await app.db.query(`UPDATE conversations SET waiting_since = now() - interval '2 hours 5 minutes' WHERE id = $1`, [
    conversations[0],
  ]);
  await sendText(doctor, conversations[2]!, 'Your result is normal');
  return { doctor, nurse, names: names as [string, string, string] };
}

describe.skipIf(!existsSync(CHROMIUM))('triage in Chromium', () => {
  const started = useBrowserApp();

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`the nurse filters to needs reply, oldest first, takes it; the doctor sees it live (${size})`, async () => {
      const { app, browser } = started;
      const { doctor, nurse, names } = await clinic(app, size);
      const [oldest, newer, answered] = names;

      const drPage = await signIn(browser, app, doctor.email, { viewport });
      await openConversation(drPage, oldest);
      const drThread = drPage.getByRole('region', { name: `Conversation with ${oldest}` });

      const page = await signIn(browser, app, nurse.email, { viewport });
      const list = page.getByRole('navigation', { name: 'Conversations' });
      await list.getByRole('button', { name: new RegExp(answered) }).waitFor();
      await list.getByRole('button', { name: 'Needs reply' }).click();
      await list.getByRole('button', { name: new RegExp(answered) }).waitFor({ state: 'detached' });
      expect(await list.getByRole('button', { name: 'Needs reply' }).getAttribute('aria-pressed')).toBe('true');
      const rows = list.locator('.conversation-list .conversation');
      expect(await rows.locator('.name').allTextContents()).toEqual([`${oldest} Patient`, `${newer} Patient`]);
      expect(await rows.nth(0).locator('.waiting').textContent()).toBe('waiting 2 h');
      expect(await rows.nth(1).locator('.waiting').textContent()).toMatch(/^waiting \d+ min$/);
      expect(await sideways(page)).toBe(0);

      await openConversation(page, oldest);
      const thread = page.getByRole('region', { name: `Conversation with ${oldest}` });
      const assign = thread.getByRole('button', { name: 'Assign', exact: true });
      expect((await assign.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await assign.click();
      const menu = thread.getByRole('group', { name: 'Assign to' });
      expect(await menu.getByRole('button').allTextContents()).toEqual(['Me (Nurse Joy)', doctor.name, 'Nobody']);
      expect(await sideways(page)).toBe(0);
      await menu.getByRole('button', { name: 'Me (Nurse Joy)' }).click();
      await thread.getByText('You are handling this').waitFor();
      await menu.waitFor({ state: 'detached' });
      // Focus goes back to the control it came from.
      expect(await assign.evaluate((el) => el === document.activeElement)).toBe(true);

      // The doctor's open thread says so, with no reload.
      await drThread.getByText('Nurse Joy is handling this').waitFor();
      expect(await sideways(drPage)).toBe(0);
      expect(await sideways(page)).toBe(0);
      await drPage.context().close();
      await page.context().close();
    });
  }
});
