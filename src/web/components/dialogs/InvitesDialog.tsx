import { InvitesPanel } from '../admin/InvitesPanel.js';
import { Modal } from '../Modal.js';

/**
 * "Invite people" from the account menu, for anyone the server lets make invites: the admin
 * page's Invites panel on its own. The server scopes the list — a member sees their own
 * invites, an admin every one — so the dialog is the same for all.
 */
export function InvitesDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Invite people" onClose={onClose}>
      <InvitesPanel />
    </Modal>
  );
}
