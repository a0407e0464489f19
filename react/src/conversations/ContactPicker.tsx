import { useEffect, useState } from 'react';
import type { Participant } from '@carechat/protocol';
import { roleLabel } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { Avatar } from '../components/Avatar.js';

/** The people this person may message (those they share an appointment with); picking one opens that chat. */
export function ContactPicker({ onClose }: { onClose: () => void }) {
  const { client, strings: t } = useKit();
  const [contacts, setContacts] = useState<{ data: Participant[]; hasMore: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A doctor may have more patients than one page (200 by name): the rest are found by name.
  const [q, setQ] = useState('');
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      client.contacts(q.trim()).then(
        (r) => current && setContacts(r),
        (e: Error) => current && setError(e.message),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, client]);
  const handlePick = async (id: string) => {
    try {
      await client.open(await client.startConversation(id));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="picker" role="dialog" aria-label={t.newConversation}>
      <div className="row">
        <strong>{t.startConversation}</strong>
        <button type="button" className="link" onClick={onClose}>
          {t.close}
        </button>
      </div>
      <input
        type="search"
        aria-label={t.searchPeople}
        placeholder={t.searchByName}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {contacts?.data.length === 0 && <p className="muted">{q.trim() ? t.nobodyByName : t.nobodyYet}</p>}
      {contacts?.hasMore && <p className="muted small">{t.showingFirst(contacts.data.length)}</p>}
      <ul>
        {contacts?.data.map((p) => (
          <li key={p.id}>
            <button type="button" className="conversation" onClick={() => void handlePick(p.id)}>
              <Avatar name={p.name} online={p.online} />
              <span className="conversation-main">
                <span className="name">{p.name}</span>
                <span className="muted small">{roleLabel(p, t)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
