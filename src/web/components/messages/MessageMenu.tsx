import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { Message } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { messageHash } from '../../lib/route.js';
import { Icon } from '../Icon.js';
import { ReportDialog } from '../moderation/ReportDialog.js';

interface MenuItem {
  label: string;
  run(): void | Promise<void>;
}

/**
 * A message's "More actions" (⋯) menu: a menu button with a `role="menu"` popup, operated as
 * the ARIA pattern says — focus goes to the first item on opening, arrows (and Home, End) move
 * between items, Enter or Space runs one, Escape closes and gives the focus back to the button,
 * as does Tab or a click elsewhere (without taking the focus back).
 */
export function MessageMenu({ message }: { message: Message }) {
  const client = useChatClient();
  const [open, setOpen] = useState(false);
  const [reporting, setReporting] = useState(false);
  const meId = useChatSelector((s) => s.me.id);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items: MenuItem[] = [
    {
      label: 'Copy link',
      async run() {
        const link = `${location.origin}/${messageHash(message.roomId, message.id)}`;
        try {
          await navigator.clipboard.writeText(link);
          client.notify('Link copied');
        } catch {
          client.notify(`The browser did not let Parley copy. The link is ${link}`, 'error');
        }
      },
    },
    {
      label: 'Mark as unread',
      run: () => client.markUnread(message.roomId, message.seq),
    },
    // Someone else's message can be reported to the room's moderators.
    ...(message.kind === 'user' && message.author?.id !== meId
      ? [{ label: 'Report message…', run: () => setReporting(true) }]
      : []),
  ];

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer, true);
    return () => document.removeEventListener('pointerdown', onPointer, true);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => entries[(index + entries.length) % entries.length]?.focus();
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(entries.length - 1);
    else if (e.key === 'Escape') close();
    else if (e.key === 'Tab') setOpen(false);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
    e.stopPropagation();
  };

  return (
    <span className="message-menu-anchor">
      <button
        ref={button}
        type="button"
        className="icon-button small"
        aria-label="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="more" size={15} />
      </button>
      {open && (
        <div ref={menu} className="message-menu" role="menu" aria-label="More actions" onKeyDown={onKeyDown}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close();
                void item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
      {reporting && <ReportDialog message={message} onClose={() => setReporting(false)} />}
    </span>
  );
}
