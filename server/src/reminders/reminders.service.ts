import type { ReminderSettings, ReminderSettingsInput } from '@carechat/protocol';
import type { Actor, Deps } from '../context.js';
import type { Config } from '../config.js';
import { hhmmOf, minutesOf, type QuietHours } from './quiet-hours.js';
import * as store from './reminders.store.js';

const DEFAULT_QUIET = { start: 21 * 60, end: 8 * 60 };

/** Quiet hours of someone who never chose: 21:00 to 08:00 in the clinic's zone. */
export const defaultQuietHours = (config: Config): QuietHours => ({
  ...DEFAULT_QUIET,
  timeZone: config.reminders.timeZone,
});

/** Each person's reminder channels and quiet hours. */
export class RemindersService {
  constructor(private readonly deps: Deps) {}

  async settings(actor: Actor): Promise<ReminderSettings> {
    const [saved, known] = await Promise.all([
      store.findSettings(this.deps.db, actor.id),
      store.knownAddresses(this.deps.db, actor.id),
    ]);
    const quiet = saved
      ? { start: saved.quietStart, end: saved.quietEnd, timeZone: saved.timeZone }
      : defaultQuietHours(this.deps.config);
    return {
      channels: saved
        ? [...(saved.email ? (['email'] as const) : []), ...(saved.sms ? (['sms'] as const) : [])]
        : known.email
          ? ['email']
          : [],
      quietHours: { start: hhmmOf(quiet.start), end: hhmmOf(quiet.end), timeZone: quiet.timeZone },
      known,
      saved: saved !== null,
    };
  }

  async updateSettings(actor: Actor, input: ReminderSettingsInput): Promise<ReminderSettings> {
    await store.saveSettings(this.deps.db, actor.id, {
      email: input.channels.includes('email'),
      sms: input.channels.includes('sms'),
      quietStart: minutesOf(input.quietHours.start),
      quietEnd: minutesOf(input.quietHours.end),
      timeZone: input.quietHours.timeZone,
    });
    return this.settings(actor);
  }
}
