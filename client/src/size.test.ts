import { describe, expect, it } from 'vitest';
import { CLIENT_BUDGET_BYTES, gzippedClientBytes } from './bundle-size.js';

describe('the client bundle', () => {
  it('stays under 25 KB gzipped without socket.io-client, the protocol included (its schemas shaken out)', async () => {
    const gzipped = await gzippedClientBytes();
    console.log(`@carechat/client: ${(gzipped / 1024).toFixed(1)} KB gzipped without socket.io-client`);
    expect(gzipped).toBeLessThan(CLIENT_BUDGET_BYTES);
  });
});
