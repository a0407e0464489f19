import type { ReminderSettings, ReminderSettingsInput } from '@carechat/protocol';
import type { Http } from './http.js';

/** E-mail and SMS reminders of unread messages: the caller's channels and quiet hours. */
export const remindersApi = (http: Http) => ({
  settings: () => http<ReminderSettings>('GET', '/api/me/reminders'),
  updateSettings: (input: ReminderSettingsInput) => http<ReminderSettings>('PUT', '/api/me/reminders', input),
});
