import { useState } from 'react';
import type { OversightBurst, User } from '@carechat/protocol';
import { AccountMenu } from '../account/AccountMenu.js';
import { api } from '../api/http.js';
import { TwoFactorPanel } from '../auth/TwoFactorPanel.js';
import { AdminConversations } from './AdminConversations.js';
import { AuditLog } from './AuditLog.js';
import { dayOf, NO_FILTERS, type AuditFilters } from './audit-query.js';
import { EDiscovery } from './EDiscovery.js';
import { Oversight } from './Oversight.js';
import './admin.css';

const TABS = [
  ['conversations', 'Conversations'],
  ['audit', 'Audit log'],
  ['oversight', 'Oversight'],
  ['ediscovery', 'E-discovery'],
] as const;
type Tab = (typeof TABS)[number][0];

/**
 * Admins read conversations for audit; they never take part. Every transcript read is
 * recorded by the server, and the console says so where the content is shown.
 */
export function AdminConsole({
  me,
  onSignOut,
  onMfaChanged,
}: {
  me: User;
  onSignOut: () => void;
  onMfaChanged: () => void;
}) {
  const [tab, setTab] = useState<Tab>('conversations');
  /** What the audit log opens on, and a key that opens it afresh each time it is set. */
  const [logFilters, setLogFilters] = useState<{ filters: AuditFilters; key: number }>({ filters: NO_FILTERS, key: 0 });
  const showTab = (next: Tab) => {
    if (next === 'audit') setLogFilters((l) => ({ filters: NO_FILTERS, key: l.key + 1 }));
    setTab(next);
  };
  const handleOpenRun = (b: OversightBurst) => {
    const filters = {
      ...NO_FILTERS,
      actorId: b.actorId ?? '',
      actorName: b.actorName ?? '',
      fromDay: dayOf(Date.parse(b.from)),
      toDay: dayOf(Date.parse(b.to)),
    };
    setLogFilters((l) => ({ filters, key: l.key + 1 }));
    setTab('audit');
  };
  const [twoFactorOpen, setTwoFactorOpen] = useState(false);
  const handleSignOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    onSignOut();
  };
  return (
    <div className="cc-root admin">
      <header className="topbar">
        <strong>CareChat admin</strong>
        <span className="muted small who">{me.name}</span>
        <div className="tabs" role="group" aria-label="Admin views">
          {TABS.map(([id, label]) => (
            <button key={id} type="button" aria-pressed={tab === id} onClick={() => showTab(id)}>
              {label}
            </button>
          ))}
        </div>
        <AccountMenu
          actions={[
            { label: 'Two-factor sign-in', onSelect: () => setTwoFactorOpen((o) => !o), expanded: twoFactorOpen },
            { label: 'Sign out', onSelect: () => void handleSignOut() },
          ]}
        />
      </header>
      {twoFactorOpen && <TwoFactorPanel onClose={() => setTwoFactorOpen(false)} onChanged={onMfaChanged} />}
      {tab === 'conversations' && <AdminConversations />}
      {tab === 'audit' && <AuditLog key={logFilters.key} initial={logFilters.filters} />}
      {tab === 'oversight' && <Oversight onOpenLog={handleOpenRun} />}
      {tab === 'ediscovery' && <EDiscovery />}
    </div>
  );
}
