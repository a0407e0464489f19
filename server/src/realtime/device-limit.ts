import { SlotsPerPerson } from '../limits/slots.js';
import type { Presence } from '../presence/presence.js';
import type { Io } from './notifier.js';

/**
 * At most `perUser` sockets (devices, tabs) per person: past it the handshake fails with a
 * connect_error whose message is RATE_LIMITED (its `data` says why). Exact in this process,
 * which holds a slot from the handshake to the connection's close; across processes the
 * device counts presence keeps in Redis are checked too, so concurrent handshakes on
 * different processes may pass the limit by those in flight. Runs after authentication.
 * `holdOff` refuses a person's new sockets for a while (in this process): one disconnected
 * for flooding would otherwise be back within the second to flood again.
 */
export function limitDevicesPerPerson(
  io: Io,
  presence: Presence,
  perUser: number,
): { holdOff(userId: string, ms: number): void } {
  const message = `At most ${perUser} devices (tabs, apps) at once; close one and connect again`;
  const slots = new SlotsPerPerson(perUser, () => message);
  const heldOff = new Map<string, number>();
  const refuse = (why = message) =>
    Object.assign(new Error('RATE_LIMITED'), { data: { code: 'RATE_LIMITED', message: why } });
  io.use((socket, next) => {
    const userId = socket.data.actor.id;
    const until = heldOff.get(userId);
    if (until !== undefined) {
      if (until > Date.now()) return next(refuse('Too many events from this account; connect again in a few seconds'));
      heldOff.delete(userId);
    }
    let release: () => void;
    try {
      release = slots.take(userId);
    } catch {
      return next(refuse());
    }
    // A handshake whose client left before it finished never connects, nor disconnects.
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    presence.devicesEverywhere(userId).then(
      (everywhere) => {
        if (everywhere !== null && everywhere >= perUser) {
          release();
          return next(refuse());
        }
        next();
      },
      () => next(),
    );
  });
  return { holdOff: (userId, ms) => void heldOff.set(userId, Date.now() + ms) };
}
