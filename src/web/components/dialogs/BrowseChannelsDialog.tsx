import { useEffect, useState } from 'react';
import type { Room } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { Modal } from '../Modal.js';

export function BrowseChannelsDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [channels, setChannels] = useState<(Room & { joined: boolean })[] | null>(null);
  useEffect(() => {
    client.listChannels().then(setChannels, () => setChannels([]));
  }, [client]);
  return (
    <Modal title="Browse channels" onClose={onClose}>
      {!channels ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="pick-list">
          {channels.map((channel) => (
            <li key={channel.id}>
              <button
                type="button"
                className="pick"
                onClick={async () => {
                  if (channel.joined) client.selectRoom(channel.id);
                  else await client.joinChannel(channel.id);
                  onClose();
                }}
              >
                <span className="hash" aria-hidden="true">
                  #
                </span>
                {channel.name}
                <span className="muted small">
                  {channel.memberCount} {channel.memberCount === 1 ? 'member' : 'members'}
                </span>
                <span className="tag">{channel.joined ? 'Open' : 'Join'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
