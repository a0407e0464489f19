import { useEffect, useState } from 'react';
import type { User } from '@carechat/protocol';
import { api } from '../api/http.js';

/** Finds a person by name (the audit log's person filter, e-discovery): ids are the API's, names people's. */
export function PersonPicker({
  chosen,
  onChoose,
}: {
  chosen: { id: string; name: string } | null;
  onChoose: (person: { id: string; name: string } | null) => void;
}) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<User[]>([]);
  useEffect(() => {
    if (!q.trim()) return;
    const timer = setTimeout(() => {
      api<{ data: User[] }>('GET', `/api/admin/people?q=${encodeURIComponent(q.trim())}`).then(
        (r) => setFound(r.data),
        () => setFound([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  if (chosen)
    return (
      <span className="filter-chip">
        Person: <strong>{chosen.name}</strong>
        <button
          type="button"
          className="link"
          onClick={() => onChoose(null)}
          aria-label={`Clear person ${chosen.name}`}
        >
          ×
        </button>
      </span>
    );
  return (
    <div className="person-picker">
      <label className="small">
        Person <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search by name" />
      </label>
      {q.trim() && (
        <ul className="person-results" aria-label="People found">
          {found.length === 0 && <li className="muted small">No one by that name</li>}
          {found.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                onClick={() => {
                  onChoose({ id: u.id, name: u.name });
                  setQ('');
                }}
              >
                {u.name} <span className="muted small">({u.role.toLowerCase()})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
