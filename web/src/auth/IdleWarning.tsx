import { useEffect, useState } from 'react';
import { activity, api } from '../api/http.js';

/**
 * Automatic sign-out follows the server's idle expiry (a shared clinic computer must not stay
 * signed in). A minute before it, or a third of the idle time when that is shorter, the
 * person is warned and can stay signed in.
 */
export function IdleWarning({ idleMinutes, onExpired }: { idleMinutes: number; onExpired: () => void }) {
  const idleMs = idleMinutes * 60_000;
  const lead = Math.min(60_000, idleMs / 3);
  const [left, setLeft] = useState<number | null>(null);

  useEffect(() => {
    const timer = setInterval(() => {
      const remaining = activity.last + idleMs - Date.now();
      if (remaining <= 0) onExpired();
      setLeft(remaining <= lead ? Math.max(0, Math.ceil(remaining / 1000)) : null);
    }, 500);
    return () => clearInterval(timer);
  }, [idleMs, lead, onExpired]);

  if (left === null) return null;
  return (
    <div className="idle-warning" role="alertdialog" aria-label="Automatic sign-out">
      <p>For your privacy you will be signed out in {left} seconds.</p>
      <button type="button" onClick={() => void api('GET', '/api/auth/me').then(() => setLeft(null), onExpired)}>
        Stay signed in
      </button>
    </div>
  );
}
