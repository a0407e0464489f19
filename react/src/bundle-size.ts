import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget for the UI kit, gzipped, its script and stylesheet together. */
export const KIT_BUDGET_BYTES = 60 * 1024;

/** The kit's gzipped bytes: its script, its stylesheet, and both together. */
export interface KitBytes {
  js: number;
  css: number;
  total: number;
}

/**
 * The kit as a host's bundler would ship it: minified ESM and its stylesheet, without what a
 * host already has (react, react-dom, the client and socket.io). Node only: the size test and
 * the bench call it; the package's build leaves it out.
 */
export async function gzippedKitBytes(): Promise<KitBytes> {
  // As client/src/bundle-size.ts measures the client: the source's own export condition, as
  // hosts' bundlers and the web app take it.
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
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
  const gzipped = (ext: string) =>
    out.outputFiles.filter((f) => f.path.endsWith(ext)).reduce((n, f) => n + gzipSync(f.contents).length, 0);
  const js = gzipped('.js');
  const css = gzipped('.css');
  return { js, css, total: js + css };
}
