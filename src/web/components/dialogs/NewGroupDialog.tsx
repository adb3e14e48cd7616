import { type FormEvent, useState } from 'react';
import { LIMITS } from '../../../shared/limits.js';
import { roomNameProblem } from '../../../shared/names.js';
import type { PublicUser } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence, FormField } from '../FormField.js';
import { Modal } from '../Modal.js';
import { UserPicker } from '../UserPicker.js';
import { RoomNameField } from './RoomNameField.js';

export function NewGroupDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const [errors, setErrors] = useState<{ name?: string; limit?: string }>({});
  async function submit(e: FormEvent) {
    e.preventDefault();
    const maxMembers = limit ? Number(limit) : undefined;
    const nameProblem = roomNameProblem(name);
    const limitProblem =
      maxMembers !== undefined &&
      (!Number.isInteger(maxMembers) || maxMembers < 2 || maxMembers > LIMITS.roomMembersMax)
        ? `The limit is a whole number from 2 to ${LIMITS.roomMembersMax}.`
        : undefined;
    if (nameProblem || limitProblem) {
      return setErrors({ name: nameProblem ? asSentence(nameProblem) : undefined, limit: limitProblem });
    }
    // Under the field the server named: the member limit, or else the name.
    const refused = (message: string, field?: string) =>
      setErrors(field === 'maxMembers' ? { limit: asSentence(message) } : { name: asSentence(message) });
    const created = await client.createRoom(
      'group',
      name,
      members.map((m) => m.id),
      maxMembers,
      refused,
    );
    if (created) onClose();
  }
  return (
    <Modal title="New group" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <RoomNameField
          label="Group name"
          value={name}
          error={errors.name ?? null}
          onChange={(value) => {
            setName(value);
            setErrors({ ...errors, name: undefined });
          }}
        />
        <FormField
          label="Member limit (optional)"
          help={`From 2 to ${LIMITS.roomMembersMax} people.`}
          error={errors.limit ?? null}
          type="number"
          min={2}
          max={LIMITS.roomMembersMax}
          value={limit}
          onChange={(e) => {
            setLimit(e.target.value);
            setErrors({ ...errors, limit: undefined });
          }}
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
