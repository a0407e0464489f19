import { useId } from 'react';
import { isClinician, type Conversation, type Role } from '@carechat/protocol';
import { useKit } from '../chat/context.js';

export interface SendFlags {
  requestAck?: boolean;
  urgent?: boolean;
}

/**
 * The composer's toggle for the next message: a clinician's "Ask to acknowledge", a patient's
 * "Urgent". Marking urgent shows the emergency notice at once, before anything is sent: someone
 * in an emergency must not wait on a chat. The clinic's own notice, if it set one, else the kit's.
 */
export function ComposerFlags({
  role,
  conversation,
  flags,
  onChange,
}: {
  role: Role;
  conversation: Conversation | undefined;
  flags: SendFlags;
  onChange: (flags: SendFlags) => void;
}) {
  const { strings: t } = useKit();
  const id = useId();
  if (isClinician(role))
    return (
      <div className="composer-flags">
        <input
          id={id}
          type="checkbox"
          checked={flags.requestAck === true}
          onChange={(e) => onChange({ requestAck: e.target.checked })}
        />
        <label htmlFor={id}>{t.askToAcknowledge}</label>
      </div>
    );
  if (role !== 'PATIENT') return null;
  return (
    <>
      <div className="composer-flags">
        <input
          id={id}
          type="checkbox"
          checked={flags.urgent === true}
          onChange={(e) => onChange({ urgent: e.target.checked })}
        />
        <label htmlFor={id}>{t.markUrgent}</label>
      </div>
      {flags.urgent && (
        <p role="alert" className="emergency-notice small">
          {conversation?.emergencyNotice ?? t.emergencyNotice}
        </p>
      )}
    </>
  );
}
