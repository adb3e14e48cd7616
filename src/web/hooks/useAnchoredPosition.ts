import { type RefObject, useLayoutEffect, useState } from 'react';

/** Space kept between the popover and its anchor, and between the popover and the window edges. */
const GAP_PX = 6;
const EDGE_PX = 8;

export interface AnchoredPosition {
  top: number;
  left: number;
}

/**
 * Where a popover with `position: fixed` goes so that all of it is on screen: under its anchor,
 * right edges aligned; above it when there is no room below (a message low in the list); and
 * shifted back inside the window when it would cross an edge. Measured from the boxes the
 * browser drew, again whenever the window resizes, anything scrolls or the popover changes
 * size (its content loads). Null until the first measurement, so it is never seen misplaced.
 */
export function useAnchoredPosition(
  anchor: HTMLElement | null,
  popover: RefObject<HTMLElement | null>,
): AnchoredPosition | null {
  const [position, setPosition] = useState<AnchoredPosition | null>(null);
  useLayoutEffect(() => {
    const element = popover.current;
    if (!anchor || !element) return;
    const place = () => {
      const at = anchor.getBoundingClientRect();
      const width = element.offsetWidth;
      const height = element.offsetHeight;
      const viewWidth = document.documentElement.clientWidth;
      const viewHeight = window.innerHeight;
      const below = at.bottom + GAP_PX;
      const above = at.top - GAP_PX - height;
      const fitsBelow = below + height <= viewHeight - EDGE_PX;
      const top = fitsBelow || above < EDGE_PX ? below : above;
      const next = {
        top: clamp(top, EDGE_PX, viewHeight - EDGE_PX - height),
        left: clamp(at.right - width, EDGE_PX, viewWidth - EDGE_PX - width),
      };
      setPosition((current) =>
        current && current.top === next.top && current.left === next.left ? current : next,
      );
    };
    place();
    const resized = new ResizeObserver(place);
    resized.observe(element);
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    return () => {
      resized.disconnect();
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [anchor, popover]);
  return position;
}

/** `value` kept within [min, max]; `min` wins when the range is empty (a popover taller than the window). */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
