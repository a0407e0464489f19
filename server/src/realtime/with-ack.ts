import type { Ack } from '@carechat/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Actor } from '../context.js';
import { AppError, toAppError, validationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Inflight } from './inflight.js';

export interface SocketContext {
  socket: Socket;
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
 * The one place socket acks are built (but for the event budget's refusals, answered before
 * any handler runs: `eventBudget` in rate-limit.ts): parse with the shared schema, run the
 * service, answer `{ok: true, ...result}` or `{ok: false, error}`. A client that sends no
 * callback still gets the effect; a thrown error never reaches the connection.
 */
export function withAck<S extends z.ZodType, R extends object>(
  ctx: SocketContext,
  event: string,
  schema: S,
  handler: (input: z.output<S>, actor: Actor) => Promise<R | void>,
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
        if (ctx.inflight.closing) throw new AppError('SERVICE_UNAVAILABLE', 'The server is restarting; send again shortly');
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw validationError(parsed.error);
        if (options.activity) await ctx.touch();
        const result = await handler(parsed.data, ctx.actor);
        answer = { ok: true, ...(result ?? {}) };
      } catch (err) {
        const { error, internal } = toAppError(err);
        if (internal) ctx.log.error({ event, err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'socket event failed');
        answer = { ok: false, error: error.toBody() };
      }
      ack?.(answer);
      timer({ outcome: answer.ok ? 'ok' : answer.error.code });
    });
  };
}
