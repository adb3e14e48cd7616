import { type RefObject, useEffect, useRef, useState } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import type { Row } from './rows.js';

const FLASH_MS = 2_500;

/**
 * Scrolls the list to the message a link asked for (state `target`), once its row is there —
 * the client may still be loading the history around it — and names it for a moment so the
 * list can highlight it. Each request is followed once: scrolling away afterwards is the
 * reader's business.
 */
export function useMessageTarget(
  roomId: string,
  rows: readonly Row[],
  virtuoso: RefObject<VirtuosoHandle | null>,
): { flashId: string | null; initialIndex: number | null } {
  const target = useChatSelector((s) => (s.target?.roomId === roomId ? s.target : null));
  const followed = useRef<number | null>(null);
  // Already loaded when the list mounts: start there rather than at the bottom, which the
  // list's own first positioning would otherwise return to after a scroll.
  const initial = useRef<number | null | undefined>(undefined);
  if (initial.current === undefined) {
    const index = target
      ? rows.findIndex((r) => r.kind === 'message' && r.message.id === target.messageId)
      : -1;
    initial.current = index >= 0 ? index : null;
  }
  const [flash, setFlash] = useState<string | null>(null);

  useEffect(() => {
    if (!target || followed.current === target.id) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === target.messageId);
    if (index < 0) return;
    followed.current = target.id;
    // Until the list has measured the rows above it, a scroll lands short: aim again every
    // tick until the message is on screen (or a couple of seconds have passed).
    const messageId = target.messageId;
    let tries = 0;
    const aim = () => {
      const handle = virtuoso.current;
      if (!handle || tries++ > 20) return;
      const element = document.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
      const scroller = element?.closest('[data-virtuoso-scroller]');
      if (element && scroller) {
        const box = element.getBoundingClientRect();
        const view = scroller.getBoundingClientRect();
        if (box.top >= view.top && box.bottom <= view.bottom && tries > 3) return;
      }
      handle.scrollToIndex({ index, align: 'center' });
      setTimeout(aim, 100);
    };
    aim();
    setFlash(target.messageId);
  }, [target, rows, virtuoso]);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flash]);

  return { flashId: flash, initialIndex: initial.current };
}
