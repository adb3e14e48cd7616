import { sameItems, useChatSelector } from '../../hooks/useChatSelector.js';
import { typingNames } from '../../state/selectors.js';

/** "Alice is typing…" under the messages; its own component, so a notice re-renders only this. */
export function TypingIndicator({ roomId }: { roomId: string }) {
  const names = useChatSelector((s) => typingNames(s, roomId), sameItems);
  return (
    <div className="typing-indicator" aria-live="polite">
      {names.length > 0 &&
        `${names.length > 2 ? 'Several people are' : `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'}`} typing…`}
    </div>
  );
}
