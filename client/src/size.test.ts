import { describe, expect, it } from 'vitest';
import { gzippedClientBytes } from './bundle-size.js';

/** The budget for the client, gzipped, without socket.io-client (which hosts may share). */
const BUDGET_BYTES = 25 * 1024;

describe('the client bundle', () => {
  it('stays under 25 KB gzipped without socket.io-client, the protocol included (its schemas shaken out)', async () => {
    const gzipped = await gzippedClientBytes();
    console.log(`@carechat/client: ${(gzipped / 1024).toFixed(1)} KB gzipped without socket.io-client`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });
});
