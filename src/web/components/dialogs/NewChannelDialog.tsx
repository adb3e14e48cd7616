import { type FormEvent, useId, useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { Modal } from '../Modal.js';

export function NewChannelDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
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
