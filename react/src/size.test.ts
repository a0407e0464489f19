import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The budget for the UI kit, gzipped, its script and stylesheet together. */
const BUDGET_BYTES = 60 * 1024;

describe('the UI kit bundle', () => {
  it('stays under 60 KB gzipped, script and styles, without react, react-dom, the client and socket.io', async () => {
    // As client/src/size.test.ts measures the client: the source's own export condition, as
    // hosts' bundlers and the web app take it; what a host already has is left out.
    const out = await build({
      entryPoints: ['react/src/index.ts'],
      bundle: true,
      format: 'esm',
      minify: true,
      write: false,
      outdir: 'out',
      external: ['react', 'react-dom', 'react/jsx-runtime', '@carechat/client', 'socket.io-client'],
      conditions: ['@carechat/source'],
      jsx: 'automatic',
      logLevel: 'silent',
    });
    const sizes = Object.fromEntries(
      out.outputFiles.map((f) => [f.path.endsWith('.css') ? 'css' : 'js', gzipSync(f.contents).length]),
    );
    const total = (sizes.js ?? 0) + (sizes.css ?? 0);
    const kb = (n = 0) => (n / 1024).toFixed(1);
    console.log(`@carechat/react: ${kb(total)} KB gzipped (script ${kb(sizes.js)}, styles ${kb(sizes.css)})`);
    expect(sizes.js).toBeGreaterThan(0);
    expect(sizes.css).toBeGreaterThan(0);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });
});
