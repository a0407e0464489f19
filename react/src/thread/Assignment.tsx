import { useRef, useState, type KeyboardEvent } from 'react';
import type { Conversation } from '@carechat/protocol';
import { assignable } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';

/**
 * A clinician's line under the thread's head: who of the care side handles the conversation
 * ("Nurse Joy is handling this"), and a small menu to assign it to me, the doctor, someone of
 * the team or nobody. Patients never see it (the server sends them no assignee either).
 */
export function Assignment({ conversation }: { conversation: Conversation }) {
  const { client, strings: t } = useKit();
  const { me } = useChat();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const assignee = conversation.assignee ?? null;

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const handleAssign = (userId: string | null) => {
    setFailed(false);
    close();
    client.assign(conversation.id, userId).catch(() => setFailed(true));
  };
  const handleKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
  };
  const options = assignable(conversation, me.id).map((p) => ({
    id: p.id as string | null,
    label: p.id === me.id ? t.assignMe(p.name) : p.designation ? `${p.name} · ${p.designation}` : p.name,
  }));
  options.push({ id: null, label: t.assignNobody });

  return (
    <div className="assignment" onKeyDown={handleKey}>
      {assignee && (
        <p className="small handled-by">{assignee.id === me.id ? t.handledByYou : t.handledBy(assignee.name)}</p>
      )}
      <button
        ref={toggle}
        type="button"
        className="link assign-toggle"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {t.assign}
      </button>
      {open && (
        <div className="assign-menu" role="group" aria-label={t.assignTo}>
          {options.map((o) => (
            <button
              key={o.id ?? 'nobody'}
              type="button"
              aria-pressed={(assignee?.id ?? null) === o.id}
              onClick={() => handleAssign(o.id)}
            >
              {o.label}
            </button>
          ))}
        </div>
      )}
      {failed && (
        <p role="alert" className="error small">
          {t.assignFailed}
        </p>
      )}
    </div>
  );
}
