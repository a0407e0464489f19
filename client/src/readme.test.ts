import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPair, sendText } from '../../server/src/test/factories.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { until } from '../../server/src/test/socket-client.js';
import { CareChatClient } from './client.js';

const t = useTestApp();

/** The README's quick start: its first ```ts block. */
const quickStart = (() => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Quick start\n+```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('client/README.md has no ```ts block under "## Quick start"');
  return block;
})();

// The quick start's free names, as a host page would have them.
const HOST_NAMES = ['CareChatClient', 'hostJwt', 'doctorId', 'badge', 'myPortal', 'render'] as const;
type QuickStart = (...values: unknown[]) => Promise<CareChatClient>;

describe('the README’s quick start', () => {
  it('is under 15 lines', () => {
    expect(quickStart.split('\n').length).toBeLessThan(15);
  });

  it('runs as written against the real server: the message goes, the view renders, the badge counts', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    // Its import becomes a parameter; its example origin, the test server's; `chat` is handed back.
    const body = quickStart
      .replace(/^import .*$/m, '')
      .replace("'https://chat.example.org'", JSON.stringify(t.url))
      .concat('\nreturn chat;');
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => QuickStart;
    const run = new AsyncFunction(...HOST_NAMES, body);
    const badge = { textContent: '' };
    const signedOut: string[] = [];
    const myPortal = { freshChatToken: async () => patient.token, showChatSignedOut: (r: string) => signedOut.push(r) };
    let rendered: { content: string | null }[] = [];
    const chat = await run(CareChatClient, patient.token, doctor.id, badge, myPortal, (items: typeof rendered) => {
      rendered = items;
    });
    try {
      await until(() => chat.getSnapshot().outbox.items.length === 0, 'the quick start’s message acked');
      const stored = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data;
      expect(stored.map((m: { content: string }) => m.content)).toEqual(['Hello, doctor']);
      expect(rendered.map((m) => m.content)).toEqual(['Hello, doctor']);

      // With the conversation closed, the doctor's answer is unread: the host's badge shows it.
      await chat.open(null);
      await sendText(doctor, conversation.id, 'Hello, how can I help?');
      await until(() => badge.textContent === '1', 'the badge to count the answer');
      expect(rendered.map((m) => m.content)).toEqual(['Hello, doctor', 'Hello, how can I help?']);
      await chat.signOut();
      expect(signedOut).toEqual(['sign-out']);
    } finally {
      chat.close();
    }
  });
});
