import { useRef } from 'react';

const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/**
 * Typing notices for the others in the room: "typing" goes out at most every few seconds
 * while keys are pressed, "stopped" after a pause, on send and on blur. Editing a sent
 * message is not typing a new one, so it sends nothing.
 */
export function useTypingNotices(editing: boolean, setTyping: (typing: boolean) => void) {
  const sentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const stopTyping = () => {
    clearTimeout(idleTimer.current);
    if (sentAt.current) {
      sentAt.current = 0;
      setTyping(false);
    }
  };

  const noteTyping = () => {
    if (editing) return;
    const now = Date.now();
    if (now - sentAt.current > TYPING_REFRESH_MS) {
      sentAt.current = now;
      setTyping(true);
    }
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  return { noteTyping, stopTyping };
}
