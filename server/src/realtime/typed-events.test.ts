import {
  CLIENT_EVENT_INPUTS,
  CLIENT_EVENTS,
  type ClientEventInput,
  type ClientEventName,
  type ClientEventResult,
  type ClientToServerEvents,
  type Message,
  type MessageSendInput,
  type ReadResult,
} from '@carechat/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Actor } from '../context.js';
import { createPair } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { on, type SocketContext } from './with-ack.js';

const t = useTestApp();

/**
 * Handlers registered against the protocol's event map. Never called: `tsc -p server` (run by
 * `npm test` before vitest) checks them, and each `@ts-expect-error` fails the typecheck if the
 * line under it ever compiles.
 */
function registrations(ctx: SocketContext, message: Message): void {
  on(ctx, 'chat:message', async (input, actor) => {
    expectTypeOf(input).toEqualTypeOf<MessageSendInput>();
    expectTypeOf(actor).toEqualTypeOf<Actor>();
    return { message };
  });
  on(ctx, 'chat:typing:start', async (input) => {
    expectTypeOf(input).toEqualTypeOf<{ conversationId: string }>();
  });

  // @ts-expect-error a misspelt event is not one of the protocol's
  on(ctx, 'chat:mesage', async () => ({ message }));
  // @ts-expect-error nor is a server-to-client event
  on(ctx, 'chat:typing', async () => undefined);

  // @ts-expect-error chat:message is acked with `{message}`, not some other field
  on(ctx, 'chat:message', async () => ({ msg: message }));
  // @ts-expect-error chat:read is acked with the read result, not nothing
  on(ctx, 'chat:read', async () => undefined);
  // @ts-expect-error chat:delete is acked with `{ok: true}` alone: nothing to return
  on(ctx, 'chat:delete', async () => ({ message }));
  // @ts-expect-error chat:edit's input has no conversationId
  on(ctx, 'chat:edit', async (input) => ({ message: { ...message, conversationId: input.conversationId } }));
}

/** The events whose schema parses to something other than exactly the payload the protocol declares. */
type Mismatched = {
  [E in ClientEventName]: [z.output<(typeof CLIENT_EVENT_INPUTS)[E]>] extends [ClientEventInput<E>]
    ? [ClientEventInput<E>] extends [z.output<(typeof CLIENT_EVENT_INPUTS)[E]>]
      ? never
      : E
    : E;
}[ClientEventName];

describe('socket handlers typed by the protocol', () => {
  it('take the payload and ack types from the event name (checked by tsc)', () => {
    expectTypeOf(registrations).parameters.toEqualTypeOf<[SocketContext, Message]>();
    expectTypeOf<Mismatched>().toBeNever();
    expectTypeOf<ClientEventResult<'chat:message'>>().toEqualTypeOf<{ message: Message }>();
    expectTypeOf<ClientEventResult<'chat:read'>>().toEqualTypeOf<ReadResult>();
    // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- exactly void: toBeVoid() passes undefined too
    expectTypeOf<ClientEventResult<'chat:join'>>().toEqualTypeOf<void>();
    expectTypeOf<(typeof CLIENT_EVENTS)[number]>().toEqualTypeOf<keyof ClientToServerEvents>();
    // Every protocol event has a schema, and nothing else does.
    expect(Object.keys(CLIENT_EVENT_INPUTS).sort()).toEqual([...CLIENT_EVENTS].sort());
    expect(CLIENT_EVENTS).toHaveLength(12);
  });

  it('are registered on a signed-in socket for exactly the protocol events, one handler each', async () => {
    const { patient } = await createPair(t);
    const client = await t.connect(patient.token);
    const socket = t.app.io.of('/').sockets.get(client.socket.id!);
    expect(socket).toBeDefined();
    const reserved = new Set(['disconnect', 'disconnecting', 'error']);
    const registered = socket!.eventNames().filter((e) => typeof e === 'string' && !reserved.has(e));
    expect(registered.sort()).toEqual([...CLIENT_EVENTS].sort());
    for (const event of CLIENT_EVENTS) expect(socket!.listenerCount(event), event).toBe(1);
  });
});
