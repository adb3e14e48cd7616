import { useChatSelector } from '../../hooks/useChatSelector.js';
import { messagesIn } from '../../state/selectors.js';

/**
 * Reads out the newest message from someone else to screen readers. The message list itself
 * is not a live region (its virtualized rows re-enter the DOM while scrolling).
 */
export function NewMessageAnnouncer({ roomId }: { roomId: string }) {
  const announcement = useChatSelector((s) => {
    const newest = messagesIn(s, roomId).at(-1);
    return newest && newest.kind === 'user' && newest.author?.id !== s.me.id
      ? `${newest.author?.username ?? 'Someone'}: ${newest.text.slice(0, 200)}${newest.attachments.length ? ` (${newest.attachments.length} attachment${newest.attachments.length === 1 ? '' : 's'})` : ''}`
      : '';
  });
  return (
    <div className="visually-hidden" role="status" aria-live="polite">
      {announcement}
    </div>
  );
}
