import { useState } from 'react';
import { api } from '../api/http.js';

interface ChainReport {
  ok: boolean;
  checked: number;
  firstBroken: { id: string; reason: 'hash' | 'link' } | null;
}

const BROKEN = { hash: 'altered', link: 'link missing' } as const;
const describe = (r: ChainReport) =>
  r.ok || !r.firstBroken
    ? `Chain intact: ${r.checked} events checked`
    : `Chain broken at event ${r.firstBroken.id} (${BROKEN[r.firstBroken.reason]}), after ${r.checked} good events`;

/** "Verify the chain": the server recomputes every hash (and records that it was asked). */
export function ChainCheck() {
  const [state, setState] = useState<'idle' | 'checking' | ChainReport | Error>('idle');
  const handleVerify = () => {
    setState('checking');
    api<ChainReport>('GET', '/api/admin/audit/verify').then(setState, (e: Error) => setState(e));
  };
  return (
    <span className="chain-check">
      <button type="button" onClick={handleVerify} disabled={state === 'checking'}>
        Verify the chain
      </button>{' '}
      <span role="status" className="small">
        {state === 'checking' && 'Checking…'}
        {state instanceof Error && `Could not check: ${state.message}`}
        {typeof state === 'object' && !(state instanceof Error) && describe(state)}
      </span>
    </span>
  );
}
