import { afterEach } from 'vitest';
import { until } from '../../../server/src/test/socket-client.js';
import { CareChatClient } from '../client.js';
import type { CareChatClientOptions } from '../options.js';
import { memoryStorage } from '../storage.js';

/**
 * `clientOf(user)`: a client for `user` on the test server (`t.url`, read when called), its
 * socket online and its conversations loaded; every client made is closed after each test.
 */
export function useClients(t: { url: string }) {
  const open: CareChatClient[] = [];
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  return async (user: { token: string }, options: CareChatClientOptions = {}): Promise<CareChatClient> => {
    const client = new CareChatClient({ url: t.url, token: user.token, storage: memoryStorage(), ...options });
    open.push(client);
    await client.connect();
    await until(() => client.getSnapshot().connection === 'online', 'the socket to connect');
    return client;
  };
}
