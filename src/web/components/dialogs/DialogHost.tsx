import type { ChatClient } from '../../state/client.js';
import { BrowseChannelsDialog } from './BrowseChannelsDialog.js';
import { JoinWithCodeDialog } from './JoinWithCodeDialog.js';
import type { DialogKind } from './kinds.js';
import { NewChannelDialog } from './NewChannelDialog.js';
import { NewCodeRoomDialog } from './NewCodeRoomDialog.js';
import { NewDirectMessageDialog } from './NewDirectMessageDialog.js';
import { NewGroupDialog } from './NewGroupDialog.js';
import { QuickSwitcher } from './QuickSwitcher.js';

/** Shows the one dialog that is open. */
export function DialogHost({
  kind,
  client,
  onClose,
  onNavigate,
}: {
  kind: DialogKind;
  client: ChatClient;
  onClose(): void;
  /** A room was picked: on a phone, the drawer gets out of the way. */
  onNavigate(): void;
}) {
  switch (kind) {
    case 'switch':
      return <QuickSwitcher client={client} onClose={onClose} onNavigate={onNavigate} />;
    case 'browse':
      return <BrowseChannelsDialog client={client} onClose={onClose} />;
    case 'channel':
      return <NewChannelDialog client={client} onClose={onClose} />;
    case 'dm':
      return <NewDirectMessageDialog client={client} onClose={onClose} />;
    case 'group':
      return <NewGroupDialog client={client} onClose={onClose} />;
    case 'join-code':
      return <JoinWithCodeDialog client={client} onClose={onClose} />;
    case 'code':
      return <NewCodeRoomDialog client={client} onClose={onClose} />;
  }
}
