import { type FormEvent, useState } from 'react';
import { roomNameProblem } from '../../../shared/names.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence } from '../FormField.js';
import { Modal } from '../Modal.js';
import { RoomNameField } from './RoomNameField.js';

export function NewCodeRoomDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState<'code' | 'link' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const link = created ? `${location.origin}/#/code/${created}` : '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    // The name is optional: only one that was typed is checked.
    const problem = name.trim() ? roomNameProblem(name) : null;
    if (problem) return setError(asSentence(problem));
    const result = await client.createCodeRoom(name.trim() || undefined, undefined, (message) =>
      setError(asSentence(message)),
    );
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
        <form onSubmit={submit} noValidate>
          <RoomNameField
            label="Room name (optional)"
            value={name}
            error={error}
            onChange={(value) => {
              setName(value);
              setError(null);
            }}
          />
          <button className="primary" type="submit">
            Create room
          </button>
        </form>
      )}
    </Modal>
  );
}
