import { useEffect, useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { Dashboard } from '../../../shared/protocol.js';
import { loadDashboard } from '../../api/admin.js';
import { AuthError } from '../../api/auth.js';

/** Figures at a glance, and messages per day for 30 days as a bar chart. */
export function DashboardPanel() {
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    loadDashboard().then(
      (d) => current && setData(d),
      (e: unknown) => current && setError(e instanceof AuthError ? e.message : 'Could not reach the server'),
    );
    return () => {
      current = false;
    };
  }, []);
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const figures: [string, string][] = [
    ['Connected now', String(data.onlineNow)],
    ['People', String(data.users.total)],
    ['Rooms', String(Object.values(data.rooms).reduce((a, b) => a + b, 0))],
    ['Uploads', `${data.uploads.count} · ${formatBytes(data.uploads.bytes)}`],
    ['Database', formatBytes(data.databaseBytes)],
  ];
  const peak = Math.max(1, ...data.messagesPerDay.map((d) => d.messages));
  const total = data.messagesPerDay.reduce((sum, d) => sum + d.messages, 0);
  return (
    <>
      <dl className="admin-figures">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <figure className="admin-chart">
        <figcaption>
          Messages per day, last 30 days ({total} in all, at most {peak === 1 && total === 0 ? 0 : peak} a
          day)
        </figcaption>
        <svg viewBox="0 0 300 100" role="img" aria-label={`Messages per day: ${total} in the last 30 days`}>
          {data.messagesPerDay.map((day, i) => {
            const height = (day.messages / peak) * 96;
            return (
              <rect key={day.date} x={i * 10 + 1} y={100 - height} width={8} height={height} className="bar">
                <title>{`${day.date}: ${day.messages}`}</title>
              </rect>
            );
          })}
        </svg>
      </figure>
    </>
  );
}
