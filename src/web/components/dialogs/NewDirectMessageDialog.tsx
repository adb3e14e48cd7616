import { useChatClient } from '../../hooks/ChatContext.js';
import { Modal } from '../Modal.js';
import { UserPicker } from '../UserPicker.js';

export function NewDirectMessageDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  return (
    <Modal title="New direct message" onClose={onClose}>
      <UserPicker
        onPick={async (user) => {
          if (await client.openDm(user.id)) onClose();
        }}
      />
    </Modal>
  );
}
