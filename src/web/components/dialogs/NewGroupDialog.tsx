import { type FormEvent, useId, useState } from 'react';
import type { PublicUser } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { Modal } from '../Modal.js';
import { UserPicker } from '../UserPicker.js';

export function NewGroupDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
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
