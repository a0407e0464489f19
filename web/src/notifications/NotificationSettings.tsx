import type { PushSettings } from '@carechat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/http.js';
import { isSubscribed, pushSupported, subscribe, unsubscribe } from './push.js';

/**
 * Notifications on this device, and whether they name the sender. Off by default: a lock
 * screen then shows only "New secure message".
 */
export function NotificationSettings({ onClose }: { onClose: () => void }) {
  const [on, setOn] = useState(false);
  const [showSender, setShowSender] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void isSubscribed().then(setOn, () => setOn(false));
    api<PushSettings>('GET', '/api/push/settings').then((s) => setShowSender(s.showSender), () => undefined);
  }, []);

  const toggle = async (want: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      if (want) await subscribe();
      else await unsubscribe();
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
      setShowSender((await api<PushSettings>('PUT', '/api/push/settings', { showSender: want })).showSender);
    } catch (err) {
      setShowSender(!want);
      setProblem((err as Error).message);
    }
  };

  return (
    <div className="settings-panel" role="dialog" aria-label="Notification settings">
      <h2>Notifications</h2>
      {!pushSupported() && <p className="muted small">This browser cannot show notifications.</p>}
      <label>
        <input type="checkbox" checked={on} disabled={busy || !pushSupported()} onChange={(e) => void toggle(e.target.checked)} />
        Notify me on this device when a message arrives while CareChat is closed
      </label>
      <label>
        <input type="checkbox" checked={showSender} onChange={(e) => void changeSender(e.target.checked)} />
        Show who wrote (otherwise only “New secure message”)
      </label>
      {problem && <p role="alert" className="error small">{problem}</p>}
      <button type="button" onClick={onClose}>
        Done
      </button>
    </div>
  );
}
