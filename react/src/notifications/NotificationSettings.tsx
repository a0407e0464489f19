import { useEffect, useState } from 'react';
import { useKit } from '../chat/context.js';
import { ReminderSettings } from './ReminderSettings.js';
import { pushSupported, webPush } from './web-push.js';

/**
 * Notifications on this device, and whether they name the sender. Off by default: a lock
 * screen then shows only "New secure message". The page must have registered a service worker.
 */
export function NotificationSettings({ onClose }: { onClose: () => void }) {
  const { client, strings: t } = useKit();
  // Made at each render (it holds nothing): a host's inline `strings` must not refetch the settings.
  const device = webPush(client.push, t);
  const [on, setOn] = useState(false);
  const [showSender, setShowSender] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void webPush(client.push)
      .isSubscribed()
      .then(setOn, () => setOn(false));
    client.push.settings().then(
      (s) => setShowSender(s.showSender),
      () => undefined,
    );
  }, [client]);

  const toggle = async (want: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      if (want) await device.subscribe();
      else await device.unsubscribe();
      setOn(want);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const changeSender = async (want: boolean) => {
    setProblem(null);
    setShowSender(want);
    try {
      setShowSender((await client.push.updateSettings(want)).showSender);
    } catch (err) {
      setShowSender(!want);
      setProblem((err as Error).message);
    }
  };

  return (
    <div className="settings-panel" role="dialog" aria-label={t.notificationSettings}>
      <h2>{t.notifications}</h2>
      {!pushSupported() && <p className="muted small">{t.pushUnsupported}</p>}
      <label>
        <input
          type="checkbox"
          checked={on}
          disabled={busy || !pushSupported()}
          onChange={(e) => void toggle(e.target.checked)}
        />
        {t.notifyOnDevice}
      </label>
      <label>
        <input type="checkbox" checked={showSender} onChange={(e) => void changeSender(e.target.checked)} />
        {t.showSender}
      </label>
      <ReminderSettings />
      {problem && (
        <p role="alert" className="error small">
          {problem}
        </p>
      )}
      <button type="button" onClick={onClose}>
        {t.done}
      </button>
    </div>
  );
}
