import { ReminderSettingsInput } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { ReminderSettings } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { RemindersService } from './reminders.service.js';

/** E-mail and SMS reminders: PHI-free, one per conversation while a message stays unread. */
const doc = documented('reminders');

export function registerReminderRoutes(app: FastifyInstance, reminders: RemindersService, authenticate: Authenticate) {
  const user = { onRequest: authenticate() };

  const get = doc({
    summary: "The caller's reminder channels and quiet hours (the defaults until they save their own)",
    description:
      'A message left unread for REMINDER_AFTER_MINUTES while none of the caller’s devices is connected earns one ' +
      'reminder by each chosen channel with an address, outside quiet hours: "You have a new secure message" and a ' +
      'link, never the message. Defaults: e-mail when an address is known, no SMS, ' +
      '21:00 to 08:00 in the clinic’s zone.',
    answers: { 200: { description: 'Settings', content: json(ReminderSettings) } },
  });
  app.get('/api/me/reminders', { ...user, ...get }, async (req) => reminders.settings(actorOf(req)));

  const put = doc({
    summary: 'Chooses reminder channels (an empty list: none) and quiet hours in an IANA time zone',
    description:
      'Addresses come from the host platform (integration API, `contact`); a channel without one sends nothing.',
    body: json(ReminderSettingsInput),
    answers: { 200: { description: 'Settings', content: json(ReminderSettings) } },
  });
  app.put('/api/me/reminders', { ...user, ...put }, async (req) =>
    reminders.updateSettings(actorOf(req), parse(ReminderSettingsInput, req.body)),
  );
}
