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
  const aim = () => {
    const handle = virtuoso.current;
    if (!handle || tries++ > 20) return;
    const element = document.querySelector(selector);
    const scroller = element?.closest('[data-virtuoso-scroller]');
    if (element && scroller && tries > 3) {
      const box = element.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      if (box.top >= view.top - 1 && box.bottom <= view.bottom + 1) return;
    }
    handle.scrollToIndex({ index, align });
    setTimeout(aim, 100);
  };
  aim();
}
