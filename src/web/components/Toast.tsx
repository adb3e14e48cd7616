import { useLayoutEffect, useState } from 'react';
import type { ChatState } from '../state/store.js';

/** Space between a toast and the composer under it. */
const GAP_PX = 8;

/**
 * A passing notice ("The chat with bob has ended", a failed action). It sits above the open
 * room's composer, so it never covers what the user is writing; with no composer on screen, at
 * the bottom of the window (styles/notices.css).
 *
 * The composer is measured on every frame while the toast shows (a few seconds): it grows with
 * what is typed, a reply bar or an upload tray, and it is replaced when the room changes — the
 * notice that a chat ended arrives as that room's composer goes and the next room's comes.
 * Reading one box per frame costs nothing next to a frame.
 */
export function Toast({ notice }: { notice: NonNullable<ChatState['notice']> }) {
  const [bottom, setBottom] = useState<number | null>(null);
  useLayoutEffect(() => {
    let frame = 0;
    const place = () => {
      const composer = document.querySelector('.composer');
      const next = composer ? window.innerHeight - composer.getBoundingClientRect().top + GAP_PX : null;
      setBottom((current) => (current === next ? current : next));
      frame = requestAnimationFrame(place);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <div
      className={`toast ${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      style={bottom === null ? undefined : { bottom }}
    >
      {notice.text}
    </div>
  );
}
