import type { RefObject } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';

/**
 * Scrolls a row into place and keeps at it: until the list has measured the rows above, a
 * scroll lands short, so it aims again every tick until the element is where it was aimed —
 * near the middle, or near the top — (or two seconds have passed). A handle gone (unmounted)
 * ends it.
 */
export function aimAt(
  virtuoso: RefObject<VirtuosoHandle | null>,
  index: number,
  selector: string,
  align: 'start' | 'center',
): void {
  let tries = 0;
  // The reader taking over ends it: their scroll wins.
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
  for (const type of events) window.addEventListener(type, stop, { once: true, passive: true });
  const aim = () => {
    const handle = virtuoso.current;
    if (stopped || !handle || tries++ > 20) {
      for (const type of events) window.removeEventListener(type, stop);
      return;
    }
    const element = document.querySelector(selector);
    const scroller = element?.closest('[data-virtuoso-scroller]');
    if (element && scroller && tries > 3) {
      const box = element.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      // Where it was aimed, not merely somewhere on screen: rows measured after a landing at
      // the edge would leave it there (or push it off).
      const inView = box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
      const placed =
        align === 'center'
          ? Math.abs(box.top + box.height / 2 - (view.top + view.height / 2)) <= view.height * 0.2
          : box.top <= view.top + view.height * 0.2;
      if (inView && placed) {
        tries = Number.POSITIVE_INFINITY;
        return aim();
      }
    }
    handle.scrollToIndex({ index, align });
    setTimeout(aim, 100);
  };
  aim();
}
