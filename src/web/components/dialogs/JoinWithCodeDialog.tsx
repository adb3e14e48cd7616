import { type FormEvent, useId, useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { Modal } from '../Modal.js';

export function JoinWithCodeDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
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
