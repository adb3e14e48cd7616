import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { aimAt } from './aim.js';
import type { Row } from './rows.js';

const INTENT = ['wheel', 'touchmove', 'keydown'] as const;

/** How long after landing the list keeps its place instead of following the bottom. */
const HOLD_MS = 2_500;

/**
 * Where the reader is in a room opened with unread messages:
 *
 * - it opens at the "New messages" divider, near the top of the list, rather than at the
 *   bottom (`initialIndex` when the divider is loaded already, a scroll once it arrives);
 * - after every scroll it tells the client the newest message whose bottom edge is on screen,
 *   so the room is marked read only as far as the reader has seen (state/reads.ts `seen`);
 * - while the divider is above the view, it offers "Jump to first unread (N)".
 *
 * `holding` is true for a moment after landing: the list must not snap to the bottom as the
 * rows above are measured.
 */
export function useReadingPosition(
  roomId: string,
  rows: readonly Row[],
  virtuoso: RefObject<VirtuosoHandle | null>,
) {
  const client = useChatClient();
  const dividerSeq = useChatSelector((s) => s.dividerSeq);
  const unreadAtOpen = useChatSelector((s) => s.dividerUnread);
  const linked = useChatSelector((s) => s.target?.roomId === roomId);
  const dividerIndex = rows.findIndex((r) => r.kind === 'divider');
  const initial = useRef<number | null | undefined>(undefined);
  if (initial.current === undefined) initial.current = dividerIndex >= 0 && !linked ? dividerIndex : null;
  const landed = useRef(initial.current !== null);
  const [holding, setHolding] = useState(initial.current !== null);
  // Nothing counts as seen while the list is still on its way to the divider.
  const settling = useRef(false);
  settling.current = holding || (dividerSeq !== null && !landed.current && !linked);
  const [dividerAbove, setDividerAbove] = useState(false);
  const scroller = useRef<HTMLElement | null>(null);
  const seqs = useRef(new Map<string, number>());
  seqs.current = new Map(
    rows.flatMap((r): Array<[string, number]> => {
      if (r.kind === 'message') return [[r.message.id, r.message.seq]];
      // A collapsed run of joins is seen as its newest line (SystemLine's data-message-id).
      if (r.kind === 'people') return [[r.lines.at(-1)!.id, r.lines.at(-1)!.seq]];
      return [];
    }),
  );

  // The divider arrives with the history around the first unread: land on it once.
  useEffect(() => {
    if (landed.current || linked || dividerIndex < 0) return;
    landed.current = true;
    setHolding(true);
    aimAt(virtuoso, dividerIndex, '.unread-divider', 'start');
  }, [dividerIndex, linked, virtuoso]);
  useEffect(() => {
    if (!holding) return;
    const timer = setTimeout(() => setHolding(false), HOLD_MS);
    return () => clearTimeout(timer);
  }, [holding]);

  const frame = useRef(0);
  const readerMovedAt = useRef(0);
  const check = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const element = scroller.current;
      if (!element) return;
      const view = element.getBoundingClientRect();
      let newestSeen: number | undefined;
      let firstShown: number | undefined;
      for (const article of element.querySelectorAll<HTMLElement>('[data-message-id]')) {
        const seq = seqs.current.get(article.dataset.messageId ?? '');
        const box = article.getBoundingClientRect();
        if (seq === undefined || box.bottom <= view.top || box.top >= view.bottom) continue;
        firstShown ??= seq;
        if (box.bottom <= view.bottom + 1) newestSeen = Math.max(newestSeen ?? 0, seq);
      }
      if (newestSeen !== undefined && !settling.current && document.visibilityState === 'visible') {
        client.seen(roomId, newestSeen, readerMovedAt.current);
      }
      const divider = element.querySelector('.unread-divider');
      const above = divider
        ? divider.getBoundingClientRect().bottom <= view.top
        : dividerSeq !== null && firstShown !== undefined && firstShown > dividerSeq;
      setDividerAbove(above);
    });
  }, [client, roomId, dividerSeq]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // The reader scrolling (wheel, touch, keys) is what "seen" waits for after a "mark as
  // unread"; the list moving by itself as rows are added or measured is not.
  const byReader = useCallback(() => {
    readerMovedAt.current = Date.now();
    check();
  }, [check]);
  const scrollerRef = useCallback(
    (element: HTMLElement | Window | null) => {
      scroller.current?.removeEventListener('scroll', check);
      for (const type of INTENT) scroller.current?.removeEventListener(type, byReader);
      scroller.current = element instanceof HTMLElement ? element : null;
      scroller.current?.addEventListener('scroll', check, { passive: true });
      for (const type of INTENT) scroller.current?.addEventListener(type, byReader, { passive: true });
    },
    [check, byReader],
  );
  // Rows loading or arriving change what is on screen without a scroll.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the rows change, and once landed
  useEffect(() => check(), [rows, check, holding]);

  const jumpToUnread =
    dividerAbove && dividerIndex >= 0
      ? {
          count: unreadAtOpen,
          jump: () => aimAt(virtuoso, dividerIndex, '.unread-divider', 'start'),
        }
      : null;
  return { initialIndex: initial.current, holding, scrollerRef, jumpToUnread };
}
