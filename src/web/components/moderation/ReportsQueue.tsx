import { useEffect, useState } from 'react';
import type { Report } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { formatRelative } from '../../lib/time.js';

const ACTIONS = [
  { action: 'dismiss', label: 'Dismiss' },
  { action: 'delete', label: 'Delete message' },
  { action: 'mute', label: 'Mute author 1 hour', minutes: 60 },
  { action: 'ban', label: 'Ban author' },
] as const;

/**
 * The moderators' queue: each open report with the message in context, who reported it and
 * why, and what can be done. Lists only the reports of rooms the user moderates (the server
 * decides which). Shown in the Reports dialog (room owners and moderators) and in the admin
 * page's Reports tab (server staff).
 */
export function ReportsQueue() {
  const client = useChatClient();
  const [reports, setReports] = useState<Report[] | null>(null);
  useEffect(() => {
    let current = true;
    void client.moderation.reports().then((list) => current && setReports(list));
    return () => {
      current = false;
    };
  }, [client]);

  async function act(report: Report, choice: (typeof ACTIONS)[number]) {
    const handled = await client.moderation.resolve({
      reportId: report.id,
      action: choice.action,
      ...('minutes' in choice ? { minutes: choice.minutes } : {}),
    });
    if (!handled) return;
    client.notify(`Report handled: ${handled.resolution}`);
    setReports((list) => list?.filter((r) => r.id !== report.id) ?? null);
  }

  return (
    <div className="reports">
      {!reports ? (
        <p className="muted">Loading…</p>
      ) : reports.length === 0 ? (
        <p className="muted">Nothing to look at: no open reports in the rooms you moderate.</p>
      ) : (
        <ul className="report-list">
          {reports.map((report) => (
            <li key={report.id} className="report" aria-label={`Report: ${report.reason}`}>
              <p className="small">
                <strong>{report.reporter?.username ?? 'Someone'}</strong> reported in{' '}
                <strong>
                  {report.room.kind === 'channel' ? `#${report.room.name}` : (report.room.name ?? 'a chat')}
                </strong>
                , {formatRelative(report.createdAt)}: “{report.reason}”
              </p>
              <ol className="report-context">
                {report.context.map((m) => (
                  <li key={m.id} className={m.id === report.message?.id ? 'reported' : undefined}>
                    <strong>{m.author?.username ?? 'Someone'}</strong> {m.text}
                  </li>
                ))}
                {!report.message && <li className="muted">The message has been deleted.</li>}
              </ol>
              <div className="row report-actions">
                {ACTIONS.map((choice) => (
                  <button key={choice.action} type="button" onClick={() => void act(report, choice)}>
                    {choice.label}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
