import type { ReactNode } from 'react';

/**
 * A small explanation that opens from a button with `popoverTarget={id}`: a native popover, so
 * the browser puts it on top and closes it on Escape or a click elsewhere, with no script.
 */
export function HelpPopover({
  id,
  title,
  className,
  children,
}: {
  id: string;
  title: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <div
      id={id}
      popover="auto"
      role="dialog"
      aria-labelledby={`${id}-title`}
      className={`help-popover ${className}`}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </div>
  );
}
