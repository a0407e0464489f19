import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

describe('the web app manifest', () => {
  it('is served to anyone as application/manifest+json with what installing the app needs', async () => {
    const res = await t.anon.get('/manifest.webmanifest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const body = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
    expect(body).toMatchObject({
      name: 'CareChat',
      short_name: 'CareChat',
      start_url: '/',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
    });
    const icons = body.icons.map((i: any) => `${i.sizes} ${i.purpose}`);
    expect(icons).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  });
});
