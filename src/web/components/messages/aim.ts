import type { RefObject } from 'react';
import type { VirtuosoHandle } from 'react-virtuoso';

/**
 * Scrolls a row into place and keeps at it: until the list has measured the rows above, a
 * scroll lands short, so it aims again every tick until the element is on screen (or two
 * seconds have passed). A handle gone (unmounted) ends it.
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
      if (box.top >= view.top - 1 && box.bottom <= view.bottom + 1) {
        tries = Number.POSITIVE_INFINITY;
        return aim();
      }
    }
    handle.scrollToIndex({ index, align });
    setTimeout(aim, 100);
  };
  aim();
}
