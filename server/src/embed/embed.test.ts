import { EMBED_ORIGINS_META } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startTestApp } from '../test/app.js';
import { useTestApp } from '../test/harness.js';

const PORTAL = 'https://portal.clinic.example';
const DASHBOARD = 'http://localhost:8081';
// Written as an operator might (capitals, a default port, spaces): framed as the browser sends it.
const t = useTestApp({ EMBED_ORIGINS: ` https://Portal.Clinic.example:443 ,${DASHBOARD}` });

const frameAncestors = (csp: string | null) => /frame-ancestors ([^;]*)/.exec(csp ?? '')?.[1];

describe('EMBED_ORIGINS and the widget page', () => {
  it('lets exactly the listed origins frame /embed, and tells the page which they are', async () => {
    const res = await fetch(`${t.url}/embed?parent=${encodeURIComponent(PORTAL)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(frameAncestors(res.headers.get('content-security-policy'))).toBe(`${PORTAL} ${DASHBOARD}`);
    // DENY would refuse every frame in browsers that read it over the CSP; none is sent.
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).toContain(`<meta name="${EMBED_ORIGINS_META}" content="${PORTAL} ${DASHBOARD}" />`);
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
  });

  it('keeps every other page unframable', async () => {
    for (const path of ['/', '/embed.html', '/api/auth/options', '/api/docs', '/no/such/page', '/api/nothing']) {
      const res = await fetch(t.url + path);
      expect(frameAncestors(res.headers.get('content-security-policy')), path).toBe("'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('lets no page frame /embed when EMBED_ORIGINS is unset', async () => {
    const unset = await startTestApp();
    try {
      const res = await fetch(`${unset.url}/embed?parent=${encodeURIComponent(PORTAL)}`);
      expect(res.status).toBe(200);
      expect(frameAncestors(res.headers.get('content-security-policy'))).toBe("'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain(`<meta name="${EMBED_ORIGINS_META}" content="" />`);
    } finally {
      await unset.close();
    }
  });

  it('is documented in the OpenAPI document with its query', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as any;
    const op = doc.paths['/embed'].get;
    expect(op.tags).toEqual(['embed']);
    expect(op.security).toEqual([]);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['parent', 'with', 'theme']);
  });

  it('refuses an entry that is not an origin rather than write it into the header', () => {
    expect(() => loadConfig({ EMBED_ORIGINS: "https://ok.example,'unsafe-inline'" })).toThrow(/EMBED_ORIGINS/);
    expect(() => loadConfig({ EMBED_ORIGINS: 'portal.example' })).toThrow(/EMBED_ORIGINS/);
    expect(loadConfig({}).embedOrigins).toEqual([]);
    expect(loadConfig({ EMBED_ORIGINS: 'https://a.example, https://A.example:443' }).embedOrigins).toEqual([
      'https://a.example',
    ]);
  });
});
