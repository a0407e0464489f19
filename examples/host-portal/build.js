// @ts-check
/**
 * `npm run build` (and the root's build): the kit page's bundle, `dist/kit-page.js` and
 * `dist/kit-page.css`, built from src/kit-page.tsx as a host's own bundler would build it,
 * from the packages' built output (their default export condition).
 */
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./src/kit-page.tsx', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  minify: true,
  jsx: 'automatic',
  outdir: new URL('./dist/', import.meta.url).pathname,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
