import { type KeyboardEvent, useRef, useState } from 'react';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { Modal } from '../Modal.js';
import { ReportsQueue } from '../moderation/ReportsQueue.js';
import { AuditPanel } from './AuditPanel.js';
import { DashboardPanel } from './DashboardPanel.js';
import { GuestBansPanel } from './GuestBansPanel.js';
import { InvitesPanel } from './InvitesPanel.js';
import { PeoplePanel } from './PeoplePanel.js';
import { RoomsPanel } from './RoomsPanel.js';
import { SettingsPanel } from './SettingsPanel.js';

type Tab = 'dashboard' | 'people' | 'rooms' | 'invites' | 'guest-bans' | 'reports' | 'settings' | 'audit';

const STAFF_TABS: [Tab, string][] = [
  ['dashboard', 'Dashboard'],
  ['people', 'People'],
  ['rooms', 'Rooms'],
  ['invites', 'Invites'],
  ['guest-bans', 'Guest bans'],
  ['reports', 'Reports'],
];
const ADMIN_TABS: [Tab, string][] = [
  ['settings', 'Settings'],
  ['audit', 'Audit log'],
];

/**
 * Which tab a key moves to from `index`, as the WAI-ARIA tabs pattern says: Left and Right
 * step (wrapping), Home and End jump; null for any other key, which the tab leaves alone.
 */
function tabAfterKey(key: string, index: number, count: number): number | null {
  if (key === 'ArrowRight') return (index + 1) % count;
  if (key === 'ArrowLeft') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/**
 * The admin page, as a large dialog: everything an admin or moderator runs — the dashboard,
 * people, rooms, invites, guest bans, the reports queue and, for admins, the server's settings
 * and the audit log. Offered to staff; the server decides every request again
 * (docs/administration.md). The tabs are ARIA tabs with a roving tabindex: Tab reaches the
 * selected one, the arrow keys move between them and show each at once.
 */
export function AdminDialog({ onClose }: { onClose(): void }) {
  const isAdmin = useChatSelector((s) => s.me.role === 'admin');
  const tabs = isAdmin ? [...STAFF_TABS, ...ADMIN_TABS] : STAFF_TABS;
  const [chosen, setTab] = useState<Tab>('dashboard');
  // Demoted while on an admin's tab (me:updated): back to one they still have, so a tab is
  // always selected and in the Tab order.
  const tab = tabs.some(([key]) => key === chosen) ? chosen : 'dashboard';
  const list = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = tabAfterKey(
      e.key,
      tabs.findIndex(([key]) => key === tab),
      tabs.length,
    );
    if (next === null) return;
    e.preventDefault();
    const [key] = tabs[next]!;
    setTab(key);
    list.current?.querySelector<HTMLElement>(`#admin-tab-${key}`)?.focus();
  };

  return (
    <Modal title="Administration" onClose={onClose}>
      <div
        ref={list}
        className="tabs admin-tabs"
        role="tablist"
        aria-label="Administration"
        onKeyDown={onKeyDown}
      >
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`admin-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`admin-panel-${key}`}
            tabIndex={tab === key ? 0 : -1}
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
        {tab === 'invites' && <InvitesPanel />}
        {tab === 'guest-bans' && <GuestBansPanel />}
        {tab === 'reports' && <ReportsQueue />}
        {tab === 'settings' && <SettingsPanel />}
        {tab === 'audit' && <AuditPanel />}
      </div>
    </Modal>
  );
}
