import { describe, expect, it } from 'vitest';
import { gzippedKitBytes, KIT_BUDGET_BYTES } from './bundle-size.js';

describe('the UI kit bundle', () => {
  it('stays under 60 KB gzipped, script and styles, without react, react-dom, the client and socket.io', async () => {
    const { js, css, total } = await gzippedKitBytes();
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`@carechat/react: ${kb(total)} KB gzipped (script ${kb(js)}, styles ${kb(css)})`);
    expect(js).toBeGreaterThan(0);
    expect(css).toBeGreaterThan(0);
    expect(total).toBeLessThan(KIT_BUDGET_BYTES);
  });
});
