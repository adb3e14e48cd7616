import { useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { formatLastSeen } from '../../lib/time.js';
import { UserPicker } from '../UserPicker.js';

/** Who is in the room, online first; a group's owner adds and removes people here. */
export function MembersPanel({ roomId }: { roomId: string }) {
  const client = useChatClient();
  const members = useChatSelector((s) => s.members[roomId]);
  const meId = useChatSelector((s) => s.me.id);
  const canManage = useChatSelector((s) => {
    const room = s.rooms[roomId]?.room;
    return room?.kind === 'group' && room.ownerId === s.me.id;
  });
  const [adding, setAdding] = useState(false);
  const sorted = [...(members ?? [])].sort(
    (a, b) => Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
  );
  return (
    <aside className="members-panel" id="members-panel" aria-label="Members">
      <h2>
        Members <span className="muted">({sorted.filter((m) => m.online).length} online)</span>
      </h2>
      <ul>
        {sorted.map((m) => (
          <li key={m.id} className="member">
            <span className={m.online ? 'dot online' : 'dot'} aria-hidden="true" />
            <span className="member-name">
              {m.username}
              {m.id === meId && <span className="muted"> (you)</span>}
            </span>
            {m.role === 'owner' && <span className="tag">owner</span>}
            <span className="visually-hidden">{m.online ? 'online' : formatLastSeen(m.lastSeenAt)}</span>
            {canManage && m.id !== meId && (
              <button
                type="button"
                className="icon-button small"
                aria-label={`Remove ${m.username}`}
                onClick={() => client.removeMember(roomId, m.id)}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {canManage &&
        (adding ? (
          <UserPicker
            label="Add a member"
            exclude={sorted.map((m) => m.id)}
            onPick={async (user) => {
              await client.addMember(roomId, user.id);
              setAdding(false);
            }}
          />
        ) : (
          <button type="button" className="ghost small" onClick={() => setAdding(true)}>
            + Add member
          </button>
        ))}
    </aside>
  );
}
