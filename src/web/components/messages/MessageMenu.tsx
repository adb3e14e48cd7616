import { useState } from 'react';
import type { Message } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { useMenuButton } from '../../hooks/useMenuButton.js';
import { messageHash } from '../../lib/route.js';
import { Icon } from '../Icon.js';
import { type MenuItem, MenuItems } from '../MenuItems.js';
import { ReportDialog } from '../moderation/ReportDialog.js';

/**
 * A message's "More actions" (⋯) menu: a menu button with a `role="menu"` popup, operated as
 * the ARIA pattern says (useMenuButton).
 */
export function MessageMenu({ message }: { message: Message }) {
  const client = useChatClient();
  const [reporting, setReporting] = useState(false);
  const meId = useChatSelector((s) => s.me.id);

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

  const { open, close, buttonProps, menuProps } = useMenuButton();

  return (
    <span className="message-menu-anchor">
      <button {...buttonProps} type="button" className="icon-button small" aria-label="More actions">
        <Icon name="more" size={15} />
      </button>
      {open && (
        <div {...menuProps} role="menu" className="message-menu" aria-label="More actions">
          <MenuItems items={items} close={close} />
        </div>
      )}
      {reporting && <ReportDialog message={message} onClose={() => setReporting(false)} />}
    </span>
  );
}
