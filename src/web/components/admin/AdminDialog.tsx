import { useState } from 'react';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { Modal } from '../Modal.js';
import { AuditPanel } from './AuditPanel.js';
import { DashboardPanel } from './DashboardPanel.js';
import { PeoplePanel } from './PeoplePanel.js';
import { RoomsPanel } from './RoomsPanel.js';

type Tab = 'dashboard' | 'people' | 'rooms' | 'audit';

/**
 * The admin page, as a large dialog: the dashboard, people (roles, deactivation, sign-in
 * links) and, for admins, the audit log. Offered to admins and moderators; the server decides
 * every request again (docs/administration.md). Settings & invites and the reports queue have
 * dialogs of their own.
 */
export function AdminDialog({ onClose }: { onClose(): void }) {
  const isAdmin = useChatSelector((s) => s.me.role === 'admin');
  const tabs: [Tab, string][] = [
    ['dashboard', 'Dashboard'],
    ['people', 'People'],
    ['rooms', 'Rooms'],
    ...(isAdmin ? ([['audit', 'Audit log']] as [Tab, string][]) : []),
  ];
  const [tab, setTab] = useState<Tab>('dashboard');
  return (
    <Modal title="Administration" onClose={onClose}>
      <div className="tabs admin-tabs" role="tablist" aria-label="Administration">
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`admin-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`admin-panel-${key}`}
            className={tab === key ? 'tab active' : 'tab'}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        className="admin-panel"
        role="tabpanel"
        id={`admin-panel-${tab}`}
        aria-labelledby={`admin-tab-${tab}`}
      >
        {tab === 'dashboard' && <DashboardPanel />}
        {tab === 'people' && <PeoplePanel />}
        {tab === 'rooms' && <RoomsPanel />}
        {tab === 'audit' && <AuditPanel />}
      </div>
    </Modal>
  );
}
