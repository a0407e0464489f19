import {
  CLIENT_EVENT_INPUTS,
  type Ack,
  type ClientEventInput,
  type ClientEventName,
  type ClientEventResult,
} from '@carechat/protocol';
import type { z } from 'zod';
import type { Actor } from '../context.js';
import { AppError, toAppError, validationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Inflight } from './inflight.js';
import type { IoSocket } from './notifier.js';

export interface SocketContext {
  socket: IoSocket;
  actor: Actor;
  log: Logger;
  inflight: Inflight;
  metrics: Metrics;
  /** Marks the session active; not called for automatic events such as delivery receipts. */
  touch: () => Promise<void>;
}

interface Options {
  /** The event is a person's action (sending, typing), so it keeps the session alive. */
  activity?: boolean;
}

/**
 * The protocol's map seen as "each event's schema parses to that event's payload": indexed by a
 * generic event, this type (unlike the map's own) lets TypeScript relate the schema to the
 * handler's input. The assignment is checked, not cast.
 */
const schemas: { [E in ClientEventName]: z.ZodType<ClientEventInput<E>> } = CLIENT_EVENT_INPUTS;

/**
 * Registers the handler of a client event. The event's name picks its schema from the
 * protocol's map, so `input` is that event's payload and the handler must return what the
 * event's ack carries (nothing, for events acked with `{ok: true}` alone): a misspelt event
 * or a wrong result does not compile.
 */
export function on<E extends ClientEventName>(
  ctx: SocketContext,
  event: E,
  handler: (input: ClientEventInput<E>, actor: Actor) => Promise<ClientEventResult<E>>,
  options?: Options,
): void {
  // As the union of all events: socket.io's listener type is a conditional it cannot resolve
  // for a generic event. The listener takes any arguments, so it fits every event's.
  const name: ClientEventName = event;
  ctx.socket.on(name, withAck(ctx, event, schemas[event], handler, options));
}

/**
 * The one place socket acks are built (but for the event budget's refusals, answered before
 * any handler runs: `eventBudget` in rate-limit.ts): parse with the shared schema, run the
 * service, answer `{ok: true, ...result}` or `{ok: false, error}`. A client that sends no
 * callback still gets the effect; a thrown error never reaches the connection. `R` is what `on`
 * lets the event's handler return: the ack's fields, or nothing.
 */
function withAck<T, R>(
  ctx: SocketContext,
  event: ClientEventName,
  schema: z.ZodType<T>,
  handler: (input: T, actor: Actor) => Promise<R>,
  options: Options = { activity: true },
) {
  return (...args: unknown[]): void => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (answer: Ack) => void) : undefined;
    const payload = ack ? args.slice(0, -1)[0] : args[0];
    void ctx.inflight.track(async () => {
      const timer = ctx.metrics.socketEvents.startTimer({ event });
      let answer: Ack;
      try {
        if (ctx.inflight.closing)
          throw new AppError('SERVICE_UNAVAILABLE', 'The server is restarting; send again shortly');
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw validationError(parsed.error);
        if (options.activity) await ctx.touch();
        const result = await handler(parsed.data, ctx.actor);
        answer = { ok: true, ...(result ?? {}) };
      } catch (err) {
        const { error, internal } = toAppError(err);
        if (internal)
          ctx.log.error(
            { event, err: { message: (err as Error)?.message, stack: (err as Error)?.stack } },
            'socket event failed',
          );
        answer = { ok: false, error: error.toBody() };
      }
      ack?.(answer);
      timer({ outcome: answer.ok ? 'ok' : answer.error.code });
    });
  };
}
