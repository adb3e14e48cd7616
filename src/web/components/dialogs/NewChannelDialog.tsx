import { type FormEvent, useState } from 'react';
import { roomNameProblem } from '../../../shared/names.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence } from '../FormField.js';
import { Modal } from '../Modal.js';
import { RoomNameField } from './RoomNameField.js';

export function NewChannelDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const problem = roomNameProblem(name);
    if (problem) return setError(asSentence(problem));
    const refused = (message: string) => setError(asSentence(message));
    if (await client.createRoom('channel', name, [], undefined, refused)) onClose();
  }
  return (
    <Modal title="New channel" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <RoomNameField
          label="Channel name"
          value={name}
          error={error}
          onChange={(value) => {
            setName(value);
            setError(null);
          }}
        />
        <p className="hint">Public: anyone can find and join it.</p>
        <button className="primary" type="submit">
          Create channel
        </button>
      </form>
    </Modal>
  );
}
