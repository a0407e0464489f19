import { useEffect, useState } from 'react';
import type { Conversation, ConversationAdminState, Participant, User } from '@carechat/protocol';
import { api } from '../api/http.js';

type Pending =
  | { kind: 'hold' }
  | { kind: 'lift' }
  | { kind: 'block'; who: Participant }
  | { kind: 'unblock'; who: Participant }
  | { kind: 'shred' }
  | null;

const SHRED_WORD = 'SHRED';
const UNKNOWN: ConversationAdminState = {
  legalHold: false,
  shreddedAt: null,
  patientStatus: 'active',
  doctorStatus: 'active',
};

/**
 * What an admin can do to a conversation and its people, each behind a confirmation: legal
 * hold on and off, block and unblock, crypto-shred (typed, with a reason), the FHIR record.
 * Every act carries the reason the transcript was opened with, onto its audit row. The present
 * state (hold, shredding, who is blocked) is shown, and each toggle offers only its other side.
 */
export function ConversationActions({ conversation, reason }: { conversation: Conversation; reason: string }) {
  const [pending, setPending] = useState<Pending>(null);
  const [typed, setTyped] = useState('');
  const [shredReason, setShredReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<ConversationAdminState>(conversation.adminState ?? UNKNOWN);
  const c = conversation.id;
  const statusKey = (who: Participant) => (who.id === conversation.patient.id ? 'patientStatus' : 'doctorStatus');
  const withReason = (path: string, why = reason) => `${path}?reason=${encodeURIComponent(why)}`;
  // The list this conversation came from may be older than the state (another admin, or an act
  // here before going back): the present state is read again when the actions are shown.
  useEffect(() => {
    let current = true;
    api<Conversation>('GET', withReason(`/api/admin/conversations/${c}`)).then(
      (fresh) => current && fresh.adminState && setState(fresh.adminState),
      () => undefined, // the list's state stays shown; the acts themselves still report their errors
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per conversation and reason
  }, [c, reason]);
  const handleConfirm = async () => {
    if (!pending) return;
    setError(null);
    try {
      if (pending.kind === 'hold' || pending.kind === 'lift') {
        const hold = await api<{ legalHold: boolean }>('PUT', withReason(`/api/admin/conversations/${c}/legal-hold`), {
          hold: pending.kind === 'hold',
        });
        setState((s) => ({ ...s, legalHold: hold.legalHold }));
        setResult(pending.kind === 'hold' ? 'On legal hold' : 'Legal hold lifted');
      } else if (pending.kind === 'shred') {
        const done = await api<{ shreddedAt: string }>(
          'POST',
          withReason(`/api/admin/conversations/${c}/shred`, shredReason.trim()),
        );
        setState((s) => ({ ...s, shreddedAt: done.shreddedAt }));
        setResult('Crypto-shredded: nothing in this conversation can be read again');
      } else {
        const user = await api<User>(
          'POST',
          withReason(`/api/admin/users/${encodeURIComponent(pending.who.id)}/${pending.kind}`),
        );
        const key = statusKey(pending.who);
        setState((s) => ({ ...s, [key]: user.status ?? s[key] }));
        setResult(`${pending.who.name} ${pending.kind === 'block' ? 'blocked' : 'unblocked'}`);
      }
      setPending(null);
      setTyped('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const ask = (p: Pending) => {
    setPending(p);
    setResult(null);
    setError(null);
  };
  const question =
    pending?.kind === 'hold'
      ? 'Put this conversation on legal hold? It will be neither expired nor shredded until the hold is lifted.'
      : pending?.kind === 'lift'
        ? 'Lift the legal hold? Retention applies to this conversation again.'
        : pending?.kind === 'block'
          ? `Block ${pending.who.name}? Their sessions end now and they cannot sign in.`
          : pending?.kind === 'unblock'
            ? `Unblock ${pending.who.name}?`
            : null;
  const canShred = typed === SHRED_WORD && shredReason.trim().length > 0;
  return (
    <details className="admin-actions">
      <summary>Admin actions</summary>
      <dl className="admin-state" aria-label="Current state">
        <div>
          <dt>Legal hold</dt>
          <dd>{state.legalHold ? 'On' : 'Off'}</dd>
        </div>
        <div>
          <dt>Shredded</dt>
          <dd>{state.shreddedAt ? new Date(state.shreddedAt).toLocaleString() : 'No'}</dd>
        </div>
        {[conversation.patient, conversation.doctor].map((who) => (
          <div key={who.id}>
            <dt>{who.name}</dt>
            <dd>{state[statusKey(who)]}</dd>
          </div>
        ))}
      </dl>
      <div className="admin-actions-buttons">
        {state.legalHold ? (
          <button type="button" onClick={() => ask({ kind: 'lift' })}>
            Lift legal hold
          </button>
        ) : (
          <button type="button" onClick={() => ask({ kind: 'hold' })}>
            Put on legal hold
          </button>
        )}
        {[conversation.patient, conversation.doctor].map((who) =>
          state[statusKey(who)] === 'blocked' ? (
            <button key={who.id} type="button" onClick={() => ask({ kind: 'unblock', who })}>
              Unblock {who.name}
            </button>
          ) : state[statusKey(who)] === 'active' ? (
            <button key={who.id} type="button" onClick={() => ask({ kind: 'block', who })}>
              Block {who.name}
            </button>
          ) : null,
        )}
        <a href={withReason(`/api/admin/conversations/${c}/export`)} download={`conversation-${c}.fhir.json`}>
          Download FHIR export
        </a>
        {!state.shreddedAt && (
          <button type="button" className="danger" onClick={() => ask({ kind: 'shred' })}>
            Crypto-shred…
          </button>
        )}
      </div>
      {pending && (
        <div className="confirm" role="group" aria-label="Confirm">
          {pending.kind === 'shred' ? (
            <>
              <p>
                Crypto-shredding destroys this conversation’s key: no message or file in it can ever be read again,
                backups included. It cannot be undone.
              </p>
              <label className="small">
                Reason for shredding{' '}
                <input value={shredReason} onChange={(e) => setShredReason(e.target.value)} required />
              </label>
              <label className="small">
                Type {SHRED_WORD} to confirm <input value={typed} onChange={(e) => setTyped(e.target.value)} />
              </label>
            </>
          ) : (
            <p>{question}</p>
          )}
          <button
            type="button"
            className={pending.kind === 'shred' ? 'danger' : ''}
            disabled={pending.kind === 'shred' && !canShred}
            onClick={() => void handleConfirm()}
          >
            Confirm
          </button>
          <button type="button" className="link" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {result && <p role="status">{result}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </details>
  );
}
