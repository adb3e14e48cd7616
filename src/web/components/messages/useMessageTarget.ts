import { type RefObject, useEffect, useRef, useState } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { aimAt } from './aim.js';
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
    aimAt(virtuoso, index, `[data-message-id="${CSS.escape(target.messageId)}"]`, 'center');
    setFlash(target.messageId);
  }, [target, rows, virtuoso]);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flash]);

  return { flashId: flash, initialIndex: initial.current };
}
