import { existsSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostPortal, type Person } from '../../examples/host-portal/portal.js';
import { freePort } from '../../server/src/db/embedded.js';
import { signJwt, TEST_JWT_SECRET } from '../../server/src/test/app.js';
import {
  createAdmin,
  createAppointment,
  createUser,
  clientId,
  sendText,
  upload,
  type TestUser,
} from '../../server/src/test/factories.js';
import { cleanPng, pdf } from '../../server/src/test/files.js';
import { CHROMIUM, composerOf, inStorage, socketGate, useBrowserApp, VIEWPORTS } from './browser.js';
import {
  firstScreenAt,
  hostGot,
  postToWidget,
  received,
  recordHostMessages,
  serveHostPages,
  watchFirstScreen,
  widgetFrame,
} from './embed-hosts.js';

/**
 * The /embed widget in Chromium, framed by pages on other origins: the example portal
 * (examples/host-portal) and bare host pages. CareChat is on http://127.0.0.1, the hosts on
 * http://localhost: another site, so the frame is a third-party one.
 */
const ports = { portal: 0, host: 0, foreign: 0 };
const origin = (port: number) => `http://localhost:${port}`;
const portalPeople: Person[] = [];

describe.skipIf(!existsSync(CHROMIUM))('the /embed widget in a host page', () => {
  beforeAll(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  });
  // The portal and the bare host page may frame the widget; the "foreign" origin may not.
  const started = useBrowserApp(() => ({
    EMBED_ORIGINS: `${origin(ports.portal)},${origin(ports.host)}`,
    ALLOWED_ORIGINS: origin(ports.portal),
  }));
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const url = () => started.app.url;
    const portal = await startHostPortal({
      carechatUrl: url(),
      jwtSecret: TEST_JWT_SECRET,
      people: portalPeople,
      port: ports.portal,
    });
    const host = await serveHostPages(ports.host, url);
    const foreign = await serveHostPages(ports.foreign, url);
    stops.push(portal.close, host.close, foreign.close);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  /** A patient and a doctor who share an appointment, known to the portal. */
  async function pair(label: string): Promise<{ patient: TestUser; doctor: TestUser }> {
    const patient = await createUser(started.app, 'PATIENT', `Pat ${label}`);
    const doctor = await createUser(started.app, 'DOCTOR', `Dr. Dee ${label}`);
    await createAppointment(started.app, patient, doctor);
    for (const p of [patient, doctor]) portalPeople.push({ id: p.id, name: p.name, role: p.role as Person['role'] });
    return { patient, doctor };
  }

  /** A new browser (its own cookies) recording what its top page receives, and every URL it requests. */
  async function newHostContext(viewport: { width: number; height: number } = VIEWPORTS.desktop) {
    const context = await started.browser.newContext({ viewport });
    await recordHostMessages(context);
    const urls: string[] = [];
    const setCookies: string[] = [];
    context.on('request', (r) => urls.push(r.url()));
    context.on('response', (r) => {
      const cookie = r.headers()['set-cookie'];
      if (cookie && r.url().startsWith(started.app.url)) setCookies.push(cookie);
    });
    return { context, page: await context.newPage(), urls, setCookies };
  }

  async function portalSignIn(page: Page, person: TestUser): Promise<Frame> {
    await page.goto(`${origin(ports.portal)}/`);
    await page.getByRole('button', { name: `Sign in as ${person.name}` }).click();
    await page.getByText(`Messages open as ${person.name}`).waitFor();
    return widgetFrame(page);
  }

  const post = (page: Page, message: Record<string, unknown>) => postToWidget(page, message, started.app.url);

  it('takes the host’s token by postMessage: signed-in, unread once, no cookie, the token in no URL', async () => {
    const { patient, doctor } = await pair('Token');
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(doctor, conversation.id, 'Your results are in');
    const { context, page, urls, setCookies } = await newHostContext();
    await page.goto(`${origin(ports.host)}/host?parent=${encodeURIComponent(origin(ports.host))}`);
    const ready = await hostGot(page, 'carechat:ready');
    expect(ready.origin).toBe(started.app.url);
    const frame = await widgetFrame(page);
    await frame.getByText('Connecting to your messages…').waitFor();

    // The first screen: from the token's arrival to the person's conversation in the list.
    await watchFirstScreen(frame);
    const sentAt = await post(page, { type: 'carechat:auth', token: patient.token });
    expect((await hostGot(page, 'carechat:signed-in')).data.user).toMatchObject({ id: patient.id, role: 'PATIENT' });
    expect((await hostGot(page, 'carechat:unread')).data).toEqual({ type: 'carechat:unread', count: 1 });
    await frame
      .getByRole('button', { name: new RegExp(doctor.name) })
      .getByLabel('1 unread')
      .waitFor();
    const shownAt = await firstScreenAt(frame);
    console.log(`widget first screen ${shownAt - sentAt} ms after carechat:auth`);
    expect(shownAt - sentAt).toBeLessThan(5_000);

    // Opening the conversation reads it: the host hears the conversation and the new total.
    await frame.getByRole('button', { name: new RegExp(doctor.name) }).click();
    expect((await hostGot(page, 'carechat:conversation')).data.conversationId).toBe(conversation.id);
    expect((await hostGot(page, 'carechat:unread', 1)).data.count).toBe(0);

    expect(await context.cookies(started.app.url)).toEqual([]);
    expect(setCookies).toEqual([]);
    expect(urls.some((u) => u.startsWith(`${started.app.url}/api/`))).toBe(true);
    expect(urls.filter((u) => u.includes(patient.token) || u.includes(patient.token.split('.')[2]!))).toEqual([]);
    // Nothing of it in the frame's storage either (which Chromium may deny a third-party frame).
    const stored = await frame.evaluate(async () => {
      const read = (storage: () => Storage) => {
        try {
          return JSON.stringify({ ...storage() });
        } catch {
          return 'denied';
        }
      };
      const databases = await indexedDB.databases().then(
        (list) => list.length,
        () => 0,
      );
      return { local: read(() => localStorage), session: read(() => sessionStorage), databases };
    });
    expect(stored.local).not.toContain(patient.token.split('.')[2]);
    expect(stored.session).not.toContain(patient.token.split('.')[2]);
    expect(stored.databases).toBe(0);
    await context.close();
  });

  it('shows a picture and a file from the other side with the token in a header, never in a URL', async () => {
    const { patient, doctor } = await pair('Photo');
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    const photo = await upload(started.app, doctor, conversation.id, await cleanPng(120, 90), 'rash.png');
    const letter = await upload(started.app, doctor, conversation.id, pdf(), 'letter.pdf');
    expect([photo.status, letter.status]).toEqual([201, 201]);
    const sent = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      attachmentIds: [photo.body.id, letter.body.id],
    });
    expect(sent.status).toBe(201);

    const { context, page, urls } = await newHostContext();
    const authorized: string[] = [];
    context.on('request', (r) => r.headers().authorization === `Bearer ${patient.token}` && authorized.push(r.url()));
    await page.goto(`${origin(ports.host)}/host?parent=${encodeURIComponent(origin(ports.host))}&with=${doctor.id}`);
    await hostGot(page, 'carechat:ready');
    const frame = await widgetFrame(page);
    await post(page, { type: 'carechat:auth', token: patient.token });
    const thumb = frame.locator('.message img[alt="rash.png"]');
    await thumb.waitFor();
    // The thumbnail decoded from an object URL the client filled with the bytes it fetched.
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await thumb.getAttribute('src')).toMatch(/^blob:/);
    await frame.getByRole('link', { name: 'View rash.png' }).click();
    const full = frame.getByRole('dialog', { name: 'rash.png' }).locator('img');
    await expect.poll(() => full.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(120);
    expect(await full.getAttribute('src')).toMatch(/^blob:/);
    await frame.getByRole('button', { name: 'Close' }).click();

    const files = (id: string) => `${started.app.url}/api/chat/attachments/${id}`;
    // A download that fails says so beside the file, and the next click tries again.
    await context.route(files(letter.body.id), (route) => route.abort());
    await frame.getByRole('link', { name: 'Download letter.pdf' }).click();
    await frame.getByRole('alert').filter({ hasText: 'letter.pdf could not be downloaded' }).waitFor();
    await context.unroute(files(letter.body.id));
    // The PDF's download link saves it under its name, fetched the same way.
    const download = page.waitForEvent('download');
    await frame.getByRole('link', { name: 'Download letter.pdf' }).click();
    expect((await download).suggestedFilename()).toBe('letter.pdf');
    expect(await frame.getByRole('alert').filter({ hasText: 'could not be downloaded' }).count()).toBe(0);

    expect(authorized).toEqual(
      expect.arrayContaining([`${files(photo.body.id)}/thumbnail`, files(photo.body.id), files(letter.body.id)]),
    );
    expect(urls.filter((u) => u.includes(patient.token.split('.')[2]!))).toEqual([]);
    await context.close();
  });

  it('lets a patient and a doctor talk through the portal’s frames; the badge follows; sign-out', async () => {
    const { patient, doctor } = await pair('Portal');
    const p = await newHostContext();
    const d = await newHostContext();
    const pFrame = await portalSignIn(p.page, patient);
    const dFrame = await portalSignIn(d.page, doctor);
    const badge = d.page.locator('#chat-unread');

    // The host opens (starts) the conversation: carechat:open.
    await p.page.getByRole('button', { name: `Message ${doctor.name}` }).click();
    await pFrame.getByRole('region', { name: `Conversation with ${doctor.name}` }).waitFor();
    const opened = await hostGot(p.page, 'carechat:conversation');
    expect(opened.data.conversationId).toEqual(expect.any(String));

    await pFrame.getByLabel('Message', { exact: true }).fill('Hello from the portal');
    await pFrame.getByLabel('Message', { exact: true }).press('Enter');
    await badge.filter({ hasText: /^1$/ }).waitFor();
    await pFrame.getByLabel('Message', { exact: true }).fill('Are you there?');
    await pFrame.getByLabel('Message', { exact: true }).press('Enter');
    await badge.filter({ hasText: /^2$/ }).waitFor();

    // The doctor reads them in the frame: the badge goes; the reply reaches the patient.
    await dFrame.getByRole('button', { name: new RegExp(patient.name) }).click();
    await dFrame.locator('.message .text', { hasText: 'Are you there?' }).waitFor();
    await badge.waitFor({ state: 'hidden' });
    expect((await received(d.page)).filter((m) => m.data.type === 'carechat:unread').map((m) => m.data.count)).toEqual([
      0, 1, 2, 0,
    ]);
    await dFrame.getByLabel('Message', { exact: true }).fill('Yes, I am here');
    await dFrame.getByLabel('Message', { exact: true }).press('Enter');
    await pFrame.locator('.message:not(.mine) .text', { hasText: 'Yes, I am here' }).waitFor();

    // The host signs the person out: the frame ends the session, and says so.
    await p.page.getByRole('button', { name: 'Sign out' }).click();
    await hostGot(p.page, 'carechat:signed-out');
    await pFrame.getByText('You are signed out of messages.').waitFor();
    await p.page.getByText('Signed out of messages').waitFor();
    // Through all of it, CareChat set no cookie in the portal's browser.
    expect(await p.context.cookies(started.app.url)).toEqual([]);
    for (const c of [p, d]) await c.context.close();
  });

  it('lets a patient on the portal’s kit page and a doctor in its frame talk; both badges follow', async () => {
    const { patient, doctor } = await pair('Kit page');
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(doctor, conversation.id, 'Welcome to the portal');
    const p = await newHostContext();
    const d = await newHostContext();
    await portalSignIn(p.page, patient);
    // The header links the second page: the kit in the portal's own page, no frame.
    await p.page.getByRole('link', { name: 'Messages (React kit)' }).click();
    await p.page.waitForURL(`${origin(ports.portal)}/kit`);
    expect(await p.page.locator('iframe').count()).toBe(0);
    const pBadge = p.page.locator('#chat-unread');
    await pBadge.filter({ hasText: /^1$/ }).waitFor();
    const dFrame = await portalSignIn(d.page, doctor);
    const dBadge = d.page.locator('#chat-unread');

    await p.page.getByRole('button', { name: new RegExp(doctor.name) }).click();
    await p.page.locator('.message:not(.mine) .text', { hasText: 'Welcome to the portal' }).waitFor();
    await pBadge.waitFor({ state: 'hidden' });
    await p.page.getByLabel('Message', { exact: true }).fill('Hello from the kit');
    await p.page.getByLabel('Message', { exact: true }).press('Enter');
    await dBadge.filter({ hasText: /^1$/ }).waitFor();

    await dFrame.getByRole('button', { name: new RegExp(patient.name) }).click();
    await dFrame.locator('.message:not(.mine) .text', { hasText: 'Hello from the kit' }).waitFor();
    await dBadge.waitFor({ state: 'hidden' });
    await dFrame.getByLabel('Message', { exact: true }).fill('Hello from the frame');
    await dFrame.getByLabel('Message', { exact: true }).press('Enter');
    await p.page.locator('.message:not(.mine) .text', { hasText: 'Hello from the frame' }).waitFor();
    // Read as it arrived (the conversation is open on the kit page): the badge goes (it may show 1 until the
    // read is acknowledged).
    await pBadge.waitFor({ state: 'hidden' });

    // Across sites the kit used only the portal's token: no CareChat cookie, no JWT in any URL.
    expect(await p.context.cookies(started.app.url)).toEqual([]);
    expect(p.urls.filter((u) => /eyJ[\w-]+\.eyJ/.test(u))).toEqual([]);
    for (const c of [p, d]) await c.context.close();
  });

  it('keeps a message written offline on the portal’s kit page across a reload and sends it once', async () => {
    const { patient, doctor } = await pair('Reload');
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    const stored = async () =>
      (
        await started.app.db.query('SELECT id FROM messages WHERE conversation_id = $1 AND sender_id = $2', [
          conversation.id,
          patient.id,
        ])
      ).rows.length;
    const p = await newHostContext();
    const gate = await socketGate(p.context);
    await portalSignIn(p.page, patient);
    await p.page.goto(`${origin(ports.portal)}/kit`);
    await p.page.getByRole('button', { name: new RegExp(doctor.name) }).click();

    await gate.shut();
    await composerOf(p.page).fill('Kept across a reload');
    await composerOf(p.page).press('Enter');
    await expect.poll(() => inStorage(p.page, 'Kept across a reload')).toBe(true);
    await p.page.reload();
    await p.page.getByRole('button', { name: new RegExp(doctor.name) }).waitFor();
    expect(await stored()).toBe(0);

    gate.reopen();
    await expect.poll(stored, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => inStorage(p.page, 'Kept across a reload')).toBe(false);
    expect(await stored()).toBe(1);
    await p.context.close();
  });

  it('takes a fresh token without a reload, and works on after the first one’s exp', async () => {
    const { patient, doctor } = await pair('Fresh');
    const conversation = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    const { context, page } = await newHostContext();
    await page.goto(`${origin(ports.host)}/host?parent=${encodeURIComponent(origin(ports.host))}`);
    await hostGot(page, 'carechat:ready');
    const frame = await widgetFrame(page);
    const claims = { sub: patient.id, role: 'PATIENT', name: patient.name };
    const shortExp = Math.floor(Date.now() / 1000) + 6;
    await post(page, { type: 'carechat:auth', token: signJwt({ ...claims, exp: shortExp }) });
    await hostGot(page, 'carechat:signed-in');
    // Less than the lead time is left: the frame asks for a fresh token at once.
    const expiring = await hostGot(page, 'carechat:token-expiring');
    expect(expiring.data.expiresAt).toBe(new Date(shortExp * 1000).toISOString());

    await post(page, { type: 'carechat:auth', token: signJwt({ ...claims, exp: shortExp + 3600 }) });
    await hostGot(page, 'carechat:signed-in', 1);
    await frame.getByRole('button', { name: new RegExp(doctor.name) }).click();
    // Past the first token's exp (and the server's session sweep): the frame goes on.
    await page.waitForTimeout(Math.max(0, shortExp * 1000 - Date.now()) + 2_000);
    await frame.getByLabel('Message', { exact: true }).fill('Still here after the first token');
    await frame.getByLabel('Message', { exact: true }).press('Enter');
    await expect
      .poll(async () => (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data)
      .toEqual([expect.objectContaining({ content: 'Still here after the first token' })]);
    await sendText(doctor, conversation.id, 'Received');
    await frame.locator('.message:not(.mine) .text', { hasText: 'Received' }).waitFor();
    expect((await received(page)).map((m) => m.data.type)).not.toContain('carechat:signed-out');
    await context.close();
  });

  it('answers auth-failed for a refused token, and signed-out when the person is blocked', async () => {
    const { patient } = await pair('Refused');
    const admin = await createAdmin(started.app);
    const { context, page } = await newHostContext();
    await page.goto(`${origin(ports.host)}/host?parent=${encodeURIComponent(origin(ports.host))}`);
    await hostGot(page, 'carechat:ready');
    const frame = await widgetFrame(page);
    const claims = { sub: patient.id, role: 'PATIENT', name: patient.name, exp: Math.floor(Date.now() / 1000) + 600 };
    await post(page, { type: 'carechat:auth', token: signJwt(claims, 'not-the-secret-0123456789') });
    expect((await hostGot(page, 'carechat:auth-failed')).data).toEqual({
      type: 'carechat:auth-failed',
      code: 'UNAUTHENTICATED',
    });
    await frame.getByText(/could not be opened \(UNAUTHENTICATED\)/).waitFor();

    await post(page, { type: 'carechat:auth', token: signJwt(claims) });
    await hostGot(page, 'carechat:signed-in');
    await frame.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect((await admin.api.post(`/api/admin/users/${patient.id}/block`, {})).status).toBe(200);
    await hostGot(page, 'carechat:signed-out');
    await frame.getByText('You are signed out of messages.').waitFor();
    await context.close();
  });

  it('cannot be framed by a page on an origin outside EMBED_ORIGINS', async () => {
    const { context, page } = await newHostContext();
    await page.goto(`${origin(ports.foreign)}/host?parent=${encodeURIComponent(origin(ports.foreign))}`);
    const handle = await page.waitForSelector('iframe[title="Messages"]');
    // The browser refuses the page (frame-ancestors): no widget, nothing posted.
    await page.waitForTimeout(1_500);
    const frame = await handle.contentFrame();
    expect(frame ? await frame.locator('#root').count() : 0).toBe(0);
    expect(await received(page)).toEqual([]);
    // Nor can its script call the API with a person's token: the browser gets no CORS grant for it
    // (the portal, in ALLOWED_ORIGINS, does).
    const { patient } = await pair('Foreign');
    const called = await page.evaluate(
      async ({ url, token }) =>
        fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
          (r) => r.status,
          () => 'refused',
        ),
      { url: started.app.url, token: patient.token },
    );
    expect(called).toBe('refused');
    const grant = async (from: string) =>
      (
        await fetch(`${started.app.url}/api/auth/me`, {
          headers: { origin: from, authorization: `Bearer ${patient.token}` },
        })
      ).headers.get('access-control-allow-origin');
    expect(await grant(origin(ports.foreign))).toBeNull();
    expect(await grant(origin(ports.portal))).toBe(origin(ports.portal));
    await context.close();
  });

  it('shows an error and posts nothing when parent is not in EMBED_ORIGINS', async () => {
    const { context, page } = await newHostContext();
    await page.goto(`${origin(ports.host)}/host?parent=${encodeURIComponent(origin(ports.foreign))}`);
    const frame = await widgetFrame(page);
    await frame.getByRole('alert').getByText('This chat may not be shown on this site.').waitFor();
    await page.waitForTimeout(500);
    expect(await received(page)).toEqual([]);
    await context.close();
  });

  it('ignores messages from any window but its parent, even one on the parent’s origin', async () => {
    const { patient } = await pair('Siblings');
    const { context, page } = await newHostContext();
    const hostOrigin = origin(ports.host);
    for (const siblingOrigin of [origin(ports.foreign), hostOrigin]) {
      const sibling = `${siblingOrigin}/blank`;
      await page.goto(
        `${hostOrigin}/host?parent=${encodeURIComponent(hostOrigin)}&sibling=${encodeURIComponent(sibling)}`,
      );
      await hostGot(page, 'carechat:ready');
      const frame = await widgetFrame(page);
      const siblingFrame = page.frames().find((f) => f.url() === sibling)!;
      // The sibling reaches the widget through the parent's frame list and hands it a valid token.
      for (const message of [{ type: 'carechat:auth', token: patient.token }, { type: 'carechat:sign-out' }])
        await siblingFrame.evaluate(([m, target]) => window.parent.frames[0]!.postMessage(m, target), [
          message,
          started.app.url,
        ] as const);
      await page.waitForTimeout(1_000);
      await frame.getByText('Connecting to your messages…').waitFor();
      expect((await received(page)).map((m) => m.data.type)).toEqual(['carechat:ready']);
    }
    // The same token from the parent itself is taken: the channel works, only the sender was wrong.
    await post(page, { type: 'carechat:auth', token: patient.token });
    await hostGot(page, 'carechat:signed-in');
    await context.close();
  });

  it('is usable in a 360 px frame and at desktop width: composer in view, no sideways scroll', async () => {
    const { patient, doctor } = await pair('Layout');
    for (const [width, theme] of [
      [360, 'light'],
      [1100, 'dark'],
    ] as const) {
      const { context, page } = await newHostContext({ width: width + 40, height: 760 });
      const query = `parent=${encodeURIComponent(origin(ports.host))}&width=${width}&with=${doctor.id}&theme=${theme}`;
      await page.goto(`${origin(ports.host)}/host?${query}`);
      await hostGot(page, 'carechat:ready');
      const frame = await widgetFrame(page);
      await post(page, { type: 'carechat:auth', token: patient.token });
      // with= opened (or started) the conversation with the doctor at start.
      await frame.getByRole('region', { name: `Conversation with ${doctor.name}` }).waitFor();
      const composer = frame.getByLabel('Message', { exact: true });
      await composer.waitFor();
      const layout = await frame.evaluate(() => {
        const box = document.querySelector('textarea[aria-label="Message"]')!.getBoundingClientRect();
        const list = document.querySelector('.sidebar');
        return {
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          composerInView: box.top >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
          listShown: list !== null && getComputedStyle(list).display !== 'none',
          dark: document.documentElement.dataset.theme === 'dark',
        };
      });
      expect(layout).toEqual({ sideways: 0, composerInView: true, listShown: width > 760, dark: theme === 'dark' });
      await composer.fill(`Hello at ${width} px`);
      await composer.press('Enter');
      await frame.locator('.message.mine .text', { hasText: `Hello at ${width} px` }).waitFor();
      if (width === 360) {
        // On a phone-sized frame the thread takes the frame; back shows the list.
        await frame.getByRole('button', { name: 'Back to conversations' }).click();
        await frame.getByRole('button', { name: new RegExp(doctor.name) }).waitFor();
      }
      await context.close();
    }
  });
});
