import type { ReminderSettings as Settings } from '@carechat/protocol';
import { useEffect, useId, useMemo, useState } from 'react';
import { useKit } from '../chat/context.js';

/** This browser's own zone: what a person who never chose one most likely lives by. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * E-mail and text reminders of unread messages (PHI-free, sent only while no device of the person's is
 * connected), and the quiet hours they wait out. The addresses come from the clinic's platform: a channel
 * without one is shown, switched off, with the reason.
 */
export function ReminderSettings() {
  const { client, strings: t } = useKit();
  const id = useId();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ problem: boolean; text: string } | null>(null);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);

  useEffect(() => {
    client.reminders.settings().then(
      // Until the person saves, the clinic's default zone is a guess: their own browser's is a better one.
      (s) => setSettings(s.saved ? s : { ...s, quietHours: { ...s.quietHours, timeZone: browserZone() } }),
      (err: Error) => setStatus({ problem: true, text: err.message }),
    );
  }, [client]);

  if (!settings) {
    return status && <p className="error small">{status.text}</p>;
  }
  const change = (next: Partial<Settings>) => {
    setStatus(null);
    setSettings({ ...settings, ...next });
  };
  const toggle = (channel: 'email' | 'sms', on: boolean) =>
    change({ channels: on ? [...settings.channels, channel] : settings.channels.filter((c) => c !== channel) });
  const quiet = (part: Partial<Settings['quietHours']>) => change({ quietHours: { ...settings.quietHours, ...part } });

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      setSettings(
        await client.reminders.updateSettings({ channels: settings.channels, quietHours: settings.quietHours }),
      );
      setStatus({ problem: false, text: t.remindersSaved });
    } catch (err) {
      setStatus({ problem: true, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const channel = (name: 'email' | 'sms', label: string, known: boolean, missing: string) => (
    <label>
      <input
        type="checkbox"
        checked={known && settings.channels.includes(name)}
        disabled={!known}
        onChange={(e) => toggle(name, e.target.checked)}
      />
      <span>
        {label}
        {!known && <span className="muted small"> ({missing})</span>}
      </span>
    </label>
  );

  return (
    <fieldset className="reminder-settings">
      <legend>{t.reminders}</legend>
      <p className="muted small">{t.remindersExplained}</p>
      {channel('email', t.remindByEmail, settings.known.email, t.noEmailOnFile)}
      {channel('sms', t.remindBySms, settings.known.phone, t.noPhoneOnFile)}
      <div className="quiet-hours">
        <span>{t.quietHours}</span>
        <label htmlFor={`${id}-start`}>{t.quietFrom}</label>
        <input
          id={`${id}-start`}
          type="time"
          value={settings.quietHours.start}
          onChange={(e) => quiet({ start: e.target.value })}
        />
        <label htmlFor={`${id}-end`}>{t.quietUntil}</label>
        <input
          id={`${id}-end`}
          type="time"
          value={settings.quietHours.end}
          onChange={(e) => quiet({ end: e.target.value })}
        />
      </div>
      <label className="stacked">
        {t.timeZone}
        <select value={settings.quietHours.timeZone} onChange={(e) => quiet({ timeZone: e.target.value })}>
          {(zones.includes(settings.quietHours.timeZone) ? zones : [settings.quietHours.timeZone, ...zones]).map(
            (zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ),
          )}
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => void save()}>
        {t.saveReminders}
      </button>
      {status && (
        <p role={status.problem ? 'alert' : 'status'} className={status.problem ? 'error small' : 'muted small'}>
          {status.text}
        </p>
      )}
    </fieldset>
  );
}
