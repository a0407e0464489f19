import { describe, expect, it } from 'vitest';
import { readEmbedParams } from './embed-params.js';
import { EXPIRING_LEAD_MS, jwtExpiry, whenExpiring } from './token-expiry.js';

const ALLOWED = 'https://portal.example http://localhost:8081';

describe("the widget's URL", () => {
  it('takes a parent that is one of EMBED_ORIGINS, with `with` and the theme', () => {
    expect(readEmbedParams('?parent=https%3A%2F%2Fportal.example&with=dr-1&theme=dark', ALLOWED)).toEqual({
      parent: 'https://portal.example',
      withUserId: 'dr-1',
      theme: 'dark',
    });
    expect(readEmbedParams('?parent=http://localhost:8081&theme=neon', ALLOWED)).toEqual({
      parent: 'http://localhost:8081',
      withUserId: null,
      theme: 'light',
    });
  });

  it('refuses a parent missing, not listed, or written other than a browser writes an origin', () => {
    for (const search of [
      '',
      '?parent=',
      '?parent=https://evil.example',
      '?parent=https://portal.example/',
      '?parent=https://portal.example.evil.example',
      '?parent=http://portal.example',
      '?parent=https://portal.example%20http://localhost:8081',
    ])
      expect(readEmbedParams(search, ALLOWED), search).toHaveProperty('error');
    // No EMBED_ORIGINS: no parent is allowed, not even an empty one.
    expect(readEmbedParams('?parent=https://portal.example', '')).toHaveProperty('error');
  });
});

describe("the host token's expiry", () => {
  const jwt = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  it('reads exp from a JWT, or nothing from anything else', () => {
    expect(jwtExpiry(jwt({ sub: 'p', exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
    expect(jwtExpiry(jwt({ sub: 'p' }))).toBeNull();
    expect(jwtExpiry(jwt({ exp: '1900000000' }))).toBeNull();
    expect(jwtExpiry('an-opaque-session-token')).toBeNull();
    expect(jwtExpiry('a.%%%.b')).toBeNull();
  });

  it('asks for a fresh token the lead time before exp, at once when less is left, never once cancelled', async () => {
    const calls: string[] = [];
    const now = Date.now();
    const far = whenExpiring(now + EXPIRING_LEAD_MS + 60_000, () => calls.push('far'), now);
    whenExpiring(now + 1_000, () => calls.push('soon'), now);
    const cancel = whenExpiring(now, () => calls.push('cancelled'), now);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual(['soon']);
    far();
  });
});
