import { useEffect, useId, useMemo, useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { roomIcon, roomLabel, searchRooms, unreadBadge } from '../../lib/rooms.js';
import { Icon } from '../Icon.js';
import { Modal } from '../Modal.js';

/** Ctrl+K (⌘K): type part of a room's or a person's name, Enter opens it. */
export function QuickSwitcher({ onClose, onNavigate }: { onClose(): void; onNavigate(): void }) {
  const client = useChatClient();
  const held = useChatSelector((s) => s.rooms);
  const [query, setQuery] = useState('');
  // The highlighted room by id, so it stays put when the list changes underneath (a room
  // arrives, one is deleted, an unread count reorders them).
  const [activeId, setActiveId] = useState<string | null>(null);
  const listId = useId();
  const rooms = useMemo(
    () =>
      searchRooms(
        Object.values(held).map((view) => view.room),
        query,
      ),
    [held, query],
  );
  const active = Math.max(
    0,
    rooms.findIndex((room) => room.id === activeId),
  );
  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [listId, active]);
  const open = (roomId: string) => {
    client.selectRoom(roomId);
    onNavigate();
    onClose();
  };
  return (
    <Modal title="Jump to a room" onClose={onClose}>
      <input
        type="search"
        role="combobox"
        aria-label="Room or person"
        aria-expanded={rooms.length > 0}
        aria-controls={listId}
        aria-activedescendant={rooms[active] ? `${listId}-${active}` : undefined}
        placeholder="Type a room or a name…"
        // biome-ignore lint/a11y/noAutofocus: the dialog exists to type into this box
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActiveId(null);
        }}
        onKeyDown={(e) => {
          // Keys that confirm or browse an input method's candidates belong to it.
          if (e.nativeEvent.isComposing || e.keyCode === 229) return;
          if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && rooms.length > 0) {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActiveId(rooms[(active + step + rooms.length) % rooms.length]!.id);
          } else if (e.key === 'Enter' && rooms[active]) {
            e.preventDefault();
            open(rooms[active].id);
          }
        }}
      />
      <div id={listId} role="listbox" aria-label="Rooms" className="pick-list switcher-list">
        {rooms.map((room, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard path is the box above (arrows, Enter)
          <div
            key={room.id}
            id={`${listId}-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={i === active ? 'pick active' : 'pick'}
            onMouseMove={() => setActiveId(room.id)}
            onClick={() => open(room.id)}
          >
            <Icon name={roomIcon(room.kind)} size={15} />
            {roomLabel(room)}
            {room.unread > 0 && <span className="badge">{unreadBadge(room.unread)}</span>}
          </div>
        ))}
      </div>
      {rooms.length === 0 && (
        <p className="muted" role="status">
          {Object.keys(held).length === 0 ? 'Loading your rooms…' : 'No room by that name.'}
        </p>
      )}
    </Modal>
  );
}
