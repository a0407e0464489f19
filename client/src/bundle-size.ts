import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget for the client, gzipped, without socket.io-client (which hosts may share). */
export const CLIENT_BUDGET_BYTES = 25 * 1024;

/**
 * The client as a host's bundler would ship it: minified ESM, the protocol included (its zod
 * schemas shaken out, both packages being `"sideEffects": false`), socket.io-client left out
 * (a host may share it). Answers its gzipped size in bytes. Node only: the size test and the
 * bench call it; the package's build leaves it out.
 */
export async function gzippedClientBytes(): Promise<number> {
  // esbuild comes with tsx and vite; the source's own export condition, as the web app bundles it.
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    external: ['socket.io-client'],
    conditions: ['@carechat/source'],
    logLevel: 'silent',
  });
  const [bundle] = out.outputFiles;
  if (!bundle) throw new Error('esbuild made no bundle of the client');
  return gzipSync(bundle.contents).length;
}
