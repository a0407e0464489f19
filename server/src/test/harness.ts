import { afterAll, beforeAll } from 'vitest';
import { userRoom } from '../realtime/notifier.js';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';
import { connectClient, type TestSocket } from './socket-client.js';

export interface Harness extends Omit<TestApp, 'close'> {
  /** A socket.io-client for `token`, closed with the app after the file's tests. */
  connect(token: string): Promise<TestSocket>;
  /** The user's sockets this server holds: a test waits on it to know the server saw a device go. */
  socketsOf(userId: string): Promise<number>;
}

/**
 * One real server for a test file: started before its tests, closed after them with every
 * socket the tests opened. Fields read through to the running app.
 */
export function useTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Harness {
  let app: TestApp | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    app = await startTestApp(env, options);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.close();
  });
  const running = () => {
    if (!app) throw new Error('the test app is used before beforeAll started it');
    return app;
  };
  return {
    get url() {
      return running().url;
    },
    get db() {
      return running().db;
    },
    get sendDb() {
      return running().sendDb;
    },
    get app() {
      return running().app;
    },
    get config() {
      return running().config;
    },
    get keyring() {
      return running().keyring;
    },
    get service() {
      return running().service;
    },
    get anon() {
      return running().anon;
    },
    async connect(token: string) {
      const s = await connectClient(running().url, { token });
      sockets.push(s);
      return s;
    },
    async socketsOf(userId: string) {
      return (await running().app.io.local.in(userRoom(userId)).fetchSockets()).length;
    },
  };
}
