import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import type { PublicUser, Room } from '../../shared/protocol.js';
import { useChat } from '../lib/hooks.js';
import { type ChatClient, roomLabel, searchRooms, unreadBadge } from '../state/client.js';
import { Icon } from './Icon.js';
import { Modal } from './Modal.js';
import { roomIcon } from './Sidebar.js';
import { UserPicker } from './UserPicker.js';

export type DialogKind = 'switch' | 'browse' | 'channel' | 'dm' | 'group' | 'join-code' | 'code';

export function Dialogs({
  kind,
  client,
  onClose,
  onNavigate,
}: {
  kind: DialogKind;
  client: ChatClient;
  onClose(): void;
  /** A room was picked: on a phone, the drawer gets out of the way. */
  onNavigate(): void;
}) {
  switch (kind) {
    case 'switch':
      return <QuickSwitcher client={client} onClose={onClose} onNavigate={onNavigate} />;
    case 'browse':
      return <BrowseChannels client={client} onClose={onClose} />;
    case 'channel':
      return <NewChannel client={client} onClose={onClose} />;
    case 'dm':
      return (
        <Modal title="New direct message" onClose={onClose}>
          <UserPicker
            client={client}
            onPick={async (user) => {
              if (await client.openDm(user.id)) onClose();
            }}
          />
        </Modal>
      );
    case 'group':
      return <NewGroup client={client} onClose={onClose} />;
    case 'join-code':
      return <JoinCode client={client} onClose={onClose} />;
    case 'code':
      return <NewCodeRoom client={client} onClose={onClose} />;
  }
}

/** Ctrl+K (⌘K): type part of a room's or a person's name, Enter opens it. */
function QuickSwitcher({
  client,
  onClose,
  onNavigate,
}: {
  client: ChatClient;
  onClose(): void;
  onNavigate(): void;
}) {
  const state = useChat(client);
  const [query, setQuery] = useState('');
  // The highlighted room by id, so it stays put when the list changes underneath (a room
  // arrives, one is deleted, an unread count reorders them).
  const [activeId, setActiveId] = useState<string | null>(null);
  const listId = useId();
  const rooms = useMemo(
    () =>
      searchRooms(
        Object.values(state.rooms).map((view) => view.room),
        query,
      ),
    [state.rooms, query],
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
          {Object.keys(state.rooms).length === 0 ? 'Loading your rooms…' : 'No room by that name.'}
        </p>
      )}
    </Modal>
  );
}

function BrowseChannels({ client, onClose }: { client: ChatClient; onClose(): void }) {
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

function NewChannel({ client, onClose }: { client: ChatClient; onClose(): void }) {
  const [name, setName] = useState('');
  const id = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await client.createRoom('channel', name)) onClose();
  }
  return (
    <Modal title="New channel" onClose={onClose}>
      <form onSubmit={submit}>
        <label htmlFor={id}>Channel name</label>
        <input id={id} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required />
        <p className="hint">Public: anyone can find and join it.</p>
        <button className="primary" type="submit">
          Create channel
        </button>
      </form>
    </Modal>
  );
}

function NewGroup({ client, onClose }: { client: ChatClient; onClose(): void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const nameId = useId();
  const limitId = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const maxMembers = limit ? Number(limit) : undefined;
    const created = await client.createRoom(
      'group',
      name,
      members.map((m) => m.id),
      maxMembers,
    );
    if (created) onClose();
  }
  return (
    <Modal title="New group" onClose={onClose}>
      <form onSubmit={submit}>
        <label htmlFor={nameId}>Group name</label>
        <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required />
        <label htmlFor={limitId}>Member limit (optional)</label>
        <input
          id={limitId}
          type="number"
          min={2}
          max={1000}
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          placeholder="No limit"
        />
        <fieldset className="chips">
          <legend className="visually-hidden">Chosen members</legend>
          {members.map((m) => (
            <span key={m.id} className="chip">
              {m.username}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${m.username}`}
                onClick={() => setMembers(members.filter((x) => x.id !== m.id))}
              >
                ✕
              </button>
            </span>
          ))}
        </fieldset>
        <UserPicker
          client={client}
          label="Add members"
          exclude={members.map((m) => m.id)}
          onPick={(user) => setMembers([...members, user])}
        />
        <button className="primary" type="submit">
          Create group
        </button>
      </form>
    </Modal>
  );
}

function JoinCode({ client, onClose }: { client: ChatClient; onClose(): void }) {
  const [code, setCode] = useState('');
  const id = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await client.joinCode(code)) onClose();
  }
  return (
    <Modal title="Join with a code" onClose={onClose}>
      <form onSubmit={submit}>
        <label htmlFor={id}>Room code</label>
        <input
          id={id}
          className="code-input"
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          maxLength={9}
          autoComplete="off"
          spellCheck={false}
          placeholder="ABC123"
          required
        />
        <button className="primary" type="submit">
          Join room
        </button>
      </form>
    </Modal>
  );
}

function NewCodeRoom({ client, onClose }: { client: ChatClient; onClose(): void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState<'code' | 'link' | null>(null);
  const nameId = useId();
  const link = created ? `${location.origin}/#/code/${created}` : '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await client.createCodeRoom(name.trim() || undefined);
    if (result) setCreated(result.code);
  }
  async function copy(what: 'code' | 'link') {
    await navigator.clipboard?.writeText(what === 'code' ? created! : link).catch(() => {});
    setCopied(what);
  }
  return (
    <Modal title="New code room" onClose={onClose}>
      {created ? (
        <div className="code-share">
          <p>Share this code. The room disappears when everyone has left.</p>
          <output className="big-code" title="Room code">
            {created}
          </output>
          <div className="row">
            <button type="button" onClick={() => copy('code')}>
              {copied === 'code' ? 'Copied!' : 'Copy code'}
            </button>
            <button type="button" onClick={() => copy('link')}>
              {copied === 'link' ? 'Copied!' : 'Copy link'}
            </button>
          </div>
          <p className="muted small break">{link}</p>
          <button type="button" className="primary" onClick={onClose}>
            Go to the room
          </button>
        </div>
      ) : (
        <form onSubmit={submit}>
          <label htmlFor={nameId}>Room name (optional)</label>
          <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} />
          <button className="primary" type="submit">
            Create room
          </button>
        </form>
      )}
    </Modal>
  );
}
