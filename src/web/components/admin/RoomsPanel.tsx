import type { AdminRoom } from '../../../shared/protocol.js';
import { deleteRoom, loadRooms } from '../../api/admin.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { AdminSearch } from './AdminSearch.js';
import { messageOf, useAdminList } from './useAdminList.js';

const KINDS: Record<AdminRoom['kind'], string> = {
  channel: 'Channel',
  group: 'Group',
  code: 'Code room',
  dm: 'Direct message',
  match: 'Random chat',
};
const titleOf = (room: AdminRoom) => (room.kind === 'channel' ? `#${room.name}` : (room.name ?? 'Unnamed'));

/**
 * The server's rooms (not DMs or random chats): find by name; owner, size, archived. Staff
 * archive and unarchive channels (room:update, which they may do in every channel); admins
 * delete a room outright, with its history, after a confirm.
 */
export function RoomsPanel() {
  const client = useChatClient();
  const isAdmin = useChatSelector((s) => s.me.role === 'admin');
  const confirm = useConfirm();
  const { query, setQuery, items: rooms, setItems: setRooms, status, setStatus } = useAdminList(loadRooms);

  async function archive(room: AdminRoom) {
    if (!(await client.moderation.updateRoom({ roomId: room.id, archived: !room.archived }))) return;
    setRooms((list) => list?.map((r) => (r.id === room.id ? { ...r, archived: !room.archived } : r)) ?? null);
    setStatus(`${titleOf(room)} is ${room.archived ? 'open again' : 'archived'}.`);
  }
  async function remove(room: AdminRoom) {
    const yes = await confirm({
      title: `Delete ${titleOf(room)}?`,
      body: 'The room and all its messages are deleted for everyone, and cannot be brought back. Archiving keeps the history instead.',
      confirmLabel: 'Delete room',
    });
    if (!yes) return;
    try {
      await deleteRoom(room.id);
      setRooms((list) => list?.filter((r) => r.id !== room.id) ?? null);
      setStatus(`${titleOf(room)} was deleted.`);
    } catch (error) {
      setStatus(messageOf(error));
    }
  }

  return (
    <>
      <AdminSearch
        id="admin-rooms-search"
        label="Find a room"
        query={query}
        onQuery={setQuery}
        status={status}
      />
      {!rooms ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="admin-people">
          <thead>
            <tr>
              <th scope="col">Room</th>
              <th scope="col">Kind</th>
              <th scope="col">Owner</th>
              <th scope="col">Members</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rooms.map((room) => (
              <tr key={room.id}>
                <th scope="row">
                  {titleOf(room)}
                  {room.archived && <span className="muted small"> (archived)</span>}
                </th>
                <td>{KINDS[room.kind]}</td>
                <td>{room.owner?.username ?? 'The server'}</td>
                <td>{room.memberCount}</td>
                <td className="row admin-actions">
                  {room.kind === 'channel' && (
                    <button
                      type="button"
                      onClick={() => void archive(room)}
                      aria-label={`${room.archived ? 'Unarchive' : 'Archive'} ${titleOf(room)}`}
                    >
                      {room.archived ? 'Unarchive' : 'Archive'}
                    </button>
                  )}
                  {isAdmin && (
                    <button
                      type="button"
                      onClick={() => void remove(room)}
                      aria-label={`Delete ${titleOf(room)}`}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
