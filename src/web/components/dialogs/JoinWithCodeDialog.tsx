import { type FormEvent, useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence, FormField } from '../FormField.js';
import { Modal } from '../Modal.js';

export function JoinWithCodeDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!code.trim()) return setError('Type the code you were given.');
    if (await client.joinCode(code, (message) => setError(asSentence(message)))) onClose();
  }
  return (
    <Modal title="Join with a code" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormField
          label="Room code"
          help="The code someone shared with you; case and dashes do not matter."
          error={error}
          className="code-input"
          value={code}
          onChange={(e) => {
            setCode(e.target.value.toUpperCase());
            setError(null);
          }}
          maxLength={9}
          autoComplete="off"
          spellCheck={false}
          placeholder="ABC123"
        />
        <button className="primary" type="submit">
          Join room
        </button>
      </form>
    </Modal>
  );
}
