import { AdminDialog } from '../admin/AdminDialog.js';
import { ReportsDialog } from '../moderation/ReportsDialog.js';
import { BrowseChannelsDialog } from './BrowseChannelsDialog.js';
import { ChangePasswordDialog } from './ChangePasswordDialog.js';
import { InvitesDialog } from './InvitesDialog.js';
import { JoinWithCodeDialog } from './JoinWithCodeDialog.js';
import type { DialogKind } from './kinds.js';
import { NewChannelDialog } from './NewChannelDialog.js';
import { NewCodeRoomDialog } from './NewCodeRoomDialog.js';
import { NewDirectMessageDialog } from './NewDirectMessageDialog.js';
import { NewGroupDialog } from './NewGroupDialog.js';
import { QuickSwitcher } from './QuickSwitcher.js';
import { SessionsDialog } from './SessionsDialog.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';

/** Shows the one dialog that is open. */
export function DialogHost({
  kind,
  onClose,
  onNavigate,
}: {
  kind: DialogKind;
  onClose(): void;
  /** A room was picked: on a phone, the drawer gets out of the way. */
  onNavigate(): void;
}) {
  switch (kind) {
    case 'switch':
      return <QuickSwitcher onClose={onClose} onNavigate={onNavigate} />;
    case 'browse':
      return <BrowseChannelsDialog onClose={onClose} />;
    case 'channel':
      return <NewChannelDialog onClose={onClose} />;
    case 'dm':
      return <NewDirectMessageDialog onClose={onClose} />;
    case 'group':
      return <NewGroupDialog onClose={onClose} />;
    case 'join-code':
      return <JoinWithCodeDialog onClose={onClose} />;
    case 'code':
      return <NewCodeRoomDialog onClose={onClose} />;
    case 'shortcuts':
      return <ShortcutsDialog onClose={onClose} />;
    case 'password':
      return <ChangePasswordDialog onClose={onClose} />;
    case 'reports':
      return <ReportsDialog onClose={onClose} />;
    case 'admin':
      return <AdminDialog onClose={onClose} />;
    case 'invites':
      return <InvitesDialog onClose={onClose} />;
    case 'sessions':
      return <SessionsDialog onClose={onClose} />;
  }
}
