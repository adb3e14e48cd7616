import {
  type FocusEvent,
  type KeyboardEvent,
  type RefObject,
  useCallback,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';
import { focusAfter, focusBefore, tabbables } from '../../lib/focus.js';
import type { Row } from './rows.js';

/**
 * When Tab was last pressed: only a Tab that brings the focus into the list is sent to the
 * active message. Focus given back by a closing dialog or lightbox (also `:focus-visible`,
 * also from outside) stays on the button it returns to.
 */
let tabPressedAt = Number.NEGATIVE_INFINITY;
if (typeof window !== 'undefined') {
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Tab') tabPressedAt = performance.now();
    },
    true,
  );
}
const justTabbed = () => performance.now() - tabPressedAt < 200;

const ITEM = '[data-row-key]';
const isItem = (row: Row) =>
  row.kind === 'pending' || (row.kind === 'message' && row.message.kind === 'user');

/**
 * The message list as one tab stop (a roving tabindex): only the active message — the last
 * one focused, else the newest — has tabIndex 0. Arrow keys, Home and End move between
 * messages, Enter goes into the focused one (its links, reactions and toolbar, shown by
 * :focus-within), Escape comes back out, and Tab leaves the list for what follows it.
 *
 * Rows are virtualized, so the active message may not be in the DOM: its key is kept in
 * state, Virtuoso scrolls it in, and the focus follows once it is rendered. Tabbing into the
 * list from outside — onto Virtuoso's focusable scroller, or backwards onto some row's last
 * button — is sent to the active message; a click keeps its target and makes that row active.
 */
export function useRovingFocus(rows: readonly Row[], virtuoso: RefObject<VirtuosoHandle | null>) {
  const [chosen, setChosen] = useState<string | null>(null);
  const scroller = useRef<HTMLElement | null>(null);
  const keys = useMemo(() => rows.filter(isItem).map((row) => row.key), [rows]);
  const activeKey = chosen && keys.includes(chosen) ? chosen : (keys.at(-1) ?? null);
  const latest = useRef({ rows, keys, activeKey });
  latest.current = { rows, keys, activeKey };

  // Which focusItem call is the latest: an earlier one's frames stop once a newer one begins.
  const focusTurn = useRef(0);

  const focusItem = useCallback(
    (key: string) => {
      const turn = ++focusTurn.current;
      setChosen(key);
      // Looked up each time: an older page arriving meanwhile moves every row's index.
      const scrollIn = () => {
        const index = latest.current.rows.findIndex((row) => row.key === key);
        if (index >= 0) virtuoso.current?.scrollIntoView({ index });
      };
      scrollIn();
      // The row may not be rendered yet (Virtuoso renders it once scrolled there), and while
      // Virtuoso corrects its positions it can hide the list for a frame — the browser then
      // drops the focus to <body>. For a few frames, the focus is put (back) on the row —
      // unless the person has moved on meanwhile (Home right after ArrowDown): an earlier
      // row's frames would otherwise take the focus back from the row they moved to.
      let frames = 0;
      const attempt = () => {
        if (turn !== focusTurn.current) return;
        const el = scroller.current?.querySelector<HTMLElement>(`[data-row-key="${CSS.escape(key)}"]`);
        const lost = document.activeElement === document.body || document.activeElement === null;
        if (el && (frames === 0 || lost)) {
          el.focus({ preventScroll: true });
          // Rendered only now: its real height is known, so bring it wholly into view.
          if (frames > 0) scrollIn();
        } else if (!el && lost) scrollIn();
        if (frames++ < 20 && (!el || lost || frames < 10)) requestAnimationFrame(attempt);
      };
      attempt();
    },
    [virtuoso],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      const list = scroller.current;
      if (e.defaultPrevented || !list) return;
      const target = e.target as HTMLElement;
      const item = target.closest<HTMLElement>(ITEM);
      if (!item || !list.contains(item)) return;
      const onItem = target === item;
      const { keys } = latest.current;
      const at = keys.indexOf(item.dataset.rowKey!);
      const move = (to: number) => {
        e.preventDefault();
        const key = keys[Math.max(0, Math.min(keys.length - 1, to))];
        if (key) focusItem(key);
      };
      switch (e.key) {
        case 'ArrowUp':
          if (onItem) move(at - 1);
          return;
        case 'ArrowDown':
          if (onItem) move(at + 1);
          return;
        case 'Home':
          if (onItem) move(0);
          return;
        case 'End':
          if (onItem) move(keys.length - 1);
          return;
        case 'Enter': {
          const first = onItem ? tabbables(item)[0] : undefined;
          if (first) {
            e.preventDefault();
            first.focus();
          }
          return;
        }
        case 'Escape':
          if (!onItem) {
            e.preventDefault();
            item.focus();
          }
          return;
        case 'Tab': {
          const leaving = e.shiftKey ? onItem : onItem || target === tabbables(item).at(-1);
          if (leaving && (e.shiftKey ? focusBefore(list) : focusAfter(list))) e.preventDefault();
          return;
        }
      }
    },
    [focusItem],
  );

  const onFocus = useCallback(
    (e: FocusEvent<HTMLElement>) => {
      const list = scroller.current;
      const target = e.target as HTMLElement;
      if (!list?.contains(target)) return;
      const from = e.relatedTarget as Node | null;
      const item = target.closest<HTMLElement>(ITEM);
      const { activeKey } = latest.current;
      const byKeyboard = target.matches(':focus-visible') && justTabbed();
      const cameIn = !from || !list.contains(from);
      if (byKeyboard && cameIn && activeKey && !(target === item && item.dataset.rowKey === activeKey)) {
        focusItem(activeKey);
        return;
      }
      if (item) setChosen(item.dataset.rowKey!);
    },
    [focusItem],
  );

  const scrollerRef = useCallback((el: HTMLElement | Window | null) => {
    scroller.current = el instanceof HTMLElement ? el : null;
  }, []);

  return { activeKey, onKeyDown, onFocus, scrollerRef };
}
