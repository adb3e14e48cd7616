import type { ChatClient } from '../../state/client.js';
import { Modal } from '../Modal.js';
import { UserPicker } from '../UserPicker.js';

export function NewDirectMessageDialog({ client, onClose }: { client: ChatClient; onClose(): void }) {
  return (
    <Modal title="New direct message" onClose={onClose}>
      <UserPicker
        client={client}
        onPick={async (user) => {
          if (await client.openDm(user.id)) onClose();
        }}
      />
    </Modal>
  );
}
