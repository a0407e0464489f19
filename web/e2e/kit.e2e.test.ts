import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/db/embedded.js';
import { createAppointment, sendText } from '../../server/src/test/factories.js';
import { CHROMIUM, personWithPassword, useBrowserApp, VIEWPORTS } from './browser.js';

/**
 * A host's page with elements of its own, some with the very class names the kit uses, and a
 * box for the chat. Its looks are set by its own stylesheet, which the kit's must not touch.
 */
const HOST_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <style>
      body { margin: 8px; font-family: Georgia, serif; color: rgb(20, 30, 40); background: rgb(250, 240, 230); }
      #chat { height: 600px; }
    </style>
  </head>
  <body>
    <header id="host">
      <h2 class="name">Sunrise Health portal</h2>
      <p class="message text muted">Your appointments and your messages.</p>
      <button class="link">Book a visit</button>
      <input aria-label="Host search" />
      <ul class="conversation-list"><li>A host list item</li></ul>
    </header>
    <div id="chat"></div>
    <script type="module" src="/kit-host/kit-host.js"></script>
  </body>
</html>`;

type Files = Record<string, { type: string; body: string }>;

/** The host page's script and the kit's stylesheet, bundled as a host's bundler would. */
async function bundleHost(): Promise<Files> {
  const out = await build({
    entryPoints: ['web/e2e/kit-host.ts'],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    outdir: 'kit-host',
    conditions: ['@carechat/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const files: Files = {
    'index.html': { type: 'text/html', body: HOST_PAGE },
  };
  for (const f of out.outputFiles) {
    const css = f.path.endsWith('.css');
    files[css ? 'kit-host.css' : 'kit-host.js'] = { type: css ? 'text/css' : 'text/javascript', body: f.text };
  }
  return files;
}

/**
 * The host's page on its own origin (http://localhost; CareChat is on http://127.0.0.1), as a
 * platform puts the kit in its portal: REST by CORS with the host's token, the socket with it.
 */
async function serveHost(port: number, files: Files): Promise<() => Promise<void>> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname.slice('/kit-host/'.length)];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

describe.skipIf(!existsSync(CHROMIUM))('the UI kit in a host page', () => {
  let hostPort = 0;
  const hostOrigin = () => `http://localhost:${hostPort}`;
  beforeAll(async () => void (hostPort = await freePort()));
  const started = useBrowserApp(() => ({ ALLOWED_ORIGINS: hostOrigin() }));
  let stopHost: () => Promise<void> = async () => undefined;
  beforeAll(async () => void (stopHost = await serveHost(hostPort, await bundleHost())), 60_000);
  afterAll(() => stopHost());

  /**
   * A patient with a doctor to talk to, and the host page showing the kit as that patient; a
   * query made from their conversation's id shows that conversation alone.
   */
  async function openHost(
    viewport: { width: number; height: number },
    query: string | ((conversationId: string) => string),
    colorScheme?: 'dark',
  ) {
    const { app, browser } = started;
    const patient = await personWithPassword(app, 'PATIENT', 'Kim Kit');
    const doctor = await personWithPassword(app, 'DOCTOR', 'Dr. Theo Theme');
    await createAppointment(app, patient, doctor);
    const conversationId: string = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id }))
      .body.id;
    const context = await browser.newContext({ viewport, colorScheme });
    // The host's page hands its person's token (and where CareChat is) to the client it makes.
    await context.addInitScript(([token, url]) => Object.assign(window, { __kitToken: token, __kitUrl: url }), [
      patient.token,
      app.url,
    ] as const);
    const page = await context.newPage();
    const search = typeof query === 'string' ? query : query(conversationId);
    await page.goto(`${hostOrigin()}/kit-host/index.html?${search}`);
    return { page, patient, doctor, conversationId };
  }

  /** The host's own elements look as they did before the kit's stylesheet and the kit arrived. */
  async function expectHostUntouched(page: Page) {
    const { before, after } = await page.evaluate(() => ({
      before: (window as any).__hostBefore,
      after: (window as any).__hostLooks(),
    }));
    expect(Object.keys(before).length).toBeGreaterThan(6);
    expect(after).toEqual(before);
  }

  const sideways = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('takes the host’s accent and Spanish strings at desktop width, and leaves the host’s page as it was', async () => {
    const { page, doctor } = await openHost(VIEWPORTS.desktop, 'locale=es&accent=%23c2410c');
    await page.getByRole('navigation', { name: 'Conversaciones' }).waitFor();
    await page.getByLabel('Buscar conversaciones').waitFor();
    await page.getByText('Elige una conversación o empieza una nueva.').waitFor();
    await page.getByRole('button', { name: new RegExp(doctor.name) }).click();
    await page.getByRole('region', { name: `Conversación con ${doctor.name}` }).waitFor();
    const composer = page.getByLabel('Mensaje', { exact: true });
    await composer.fill('Hola, doctor');
    const send = page.getByRole('button', { name: 'Enviar' });
    // The host's accent, the kit's own colour for what it writes on it.
    expect(await send.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(194, 65, 12)');
    await send.click();
    // Acked: the receipt under it is in Spanish.
    const mine = page.locator('.message.mine:not(.pending)', { hasText: 'Hola, doctor' });
    await mine.waitFor();
    expect(await mine.locator('.tick').getAttribute('aria-label')).toMatch(/^(Enviado|Entregado|Leído)$/);
    expect(await page.locator('.cc-root').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(245, 247, 248)',
    );
    expect(await sideways(page)).toBe(0);
    await expectHostUntouched(page);
    await page.context().close();
  });

  it('turns dark on request at 360 px, one pane at a time, and leaves the host’s page as it was', async () => {
    const { page, doctor } = await openHost(VIEWPORTS.phone, 'theme=dark');
    const list = page.getByRole('navigation', { name: 'Conversations' });
    const row = list.getByRole('button', { name: new RegExp(doctor.name) });
    await row.waitFor();
    const colours = await page.evaluate(() => ({
      root: getComputedStyle(document.querySelector('.cc-root')!).backgroundColor,
      list: getComputedStyle(document.querySelector('.cc-root .sidebar')!).backgroundColor,
      text: getComputedStyle(document.querySelector('.cc-root .sidebar .name')!).color,
    }));
    expect(colours).toEqual({ root: 'rgb(15, 20, 23)', list: 'rgb(23, 32, 38)', text: 'rgb(228, 235, 239)' });
    // The thread waits behind the list on a phone, then takes the box with the composer in view.
    expect(await page.locator('.cc-root .thread').isVisible()).toBe(false);
    await row.click();
    const composer = page.getByLabel('Message', { exact: true });
    await composer.waitFor();
    expect(await list.isVisible()).toBe(false);
    const box = (await composer.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    expect(await sideways(page)).toBe(0);
    await composer.fill('Written at 360 px');
    await composer.press('Enter');
    await page.locator('.message.mine:not(.pending) .text', { hasText: 'Written at 360 px' }).waitFor();
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await list.waitFor();
    await expectHostUntouched(page);
    await page.context().close();
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS))
    it(`shows the list and one conversation alone at ${name} width, a message each way`, async () => {
      const { page, patient, doctor, conversationId } = await openHost(viewport, (id) => `conversation=${id}`);
      const row = page
        .locator('#chat-list')
        .getByRole('navigation', { name: 'Conversations' })
        .getByRole('button', { name: new RegExp(doctor.name) });
      await row.waitFor();
      // The view opened its conversation itself: there is no list click, nor a way back to one.
      const view = page.locator('#chat-view').getByRole('region', { name: `Conversation with ${doctor.name}` });
      const composer = view.getByLabel('Message', { exact: true });
      await composer.waitFor();
      expect(await view.getByRole('button', { name: 'Back to conversations' }).isVisible()).toBe(false);
      const box = (await composer.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);

      await composer.fill(`Sent from the view alone at ${name} width`);
      await composer.press('Enter');
      await view.locator('.message.mine:not(.pending) .text', { hasText: 'Sent from the view alone' }).waitFor();
      const stored = (await doctor.api.get(`/api/chat/conversations/${conversationId}/messages`)).body.data;
      expect(stored.map((m: { content: string }) => m.content)).toEqual([`Sent from the view alone at ${name} width`]);
      expect(stored[0].senderId).toBe(patient.id);
      // The list beside it reads the same client: its row shows what was just sent.
      await expect.poll(() => row.locator('.preview').textContent()).toContain('Sent from the view alone');

      await sendText(doctor, conversationId, 'Received in the view alone');
      await view.locator('.message:not(.mine) .text', { hasText: 'Received in the view alone' }).waitFor();
      await expect.poll(() => row.locator('.preview').textContent()).toContain('Received in the view alone');
      expect(await sideways(page)).toBe(0);
      await expectHostUntouched(page);
      await page.context().close();
    });

  it('follows the system’s preference with theme="auto", and its change without a reload', async () => {
    const { page } = await openHost(VIEWPORTS.desktop, 'theme=auto', 'dark');
    const root = page.locator('.cc-root');
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    const look = () =>
      root.evaluate((el) => ({
        theme: (el as HTMLElement).dataset.theme,
        background: getComputedStyle(el).backgroundColor,
      }));
    expect(await look()).toEqual({ theme: 'dark', background: 'rgb(15, 20, 23)' });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(look).toEqual({ theme: 'light', background: 'rgb(245, 247, 248)' });
    await expectHostUntouched(page);
    await page.context().close();
  });
});
