import { type FormEvent, useState } from 'react';
import { LIMITS } from '../../../shared/limits.js';
import type { Message } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence, FormField } from '../FormField.js';
import { Modal } from '../Modal.js';

/** Reporting a message to the room's moderators, with a reason they will read. */
export function ReportDialog({ message, onClose }: { message: Message; onClose(): void }) {
  const client = useChatClient();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return setError('Say what is wrong with it.');
    setBusy(true);
    const sent = await client.moderation.report(message.id, reason.trim(), (m) => setError(asSentence(m)));
    setBusy(false);
    if (sent) onClose();
  }

  return (
    <Modal title="Report message" onClose={onClose}>
      <blockquote className="report-quote">
        <strong>{message.author?.username ?? 'Someone'}</strong>: {message.text}
      </blockquote>
      <form onSubmit={submit} noValidate>
        <FormField
          label="What is wrong with it?"
          help="Only the room’s moderators see your report and who sent it."
          maxLength={LIMITS.moderationReasonMax}
          value={reason}
          error={error}
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
        />
        <button className="primary" type="submit" disabled={busy}>
          Report
        </button>
      </form>
    </Modal>
  );
}
