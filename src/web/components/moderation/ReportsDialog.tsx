import { Modal } from '../Modal.js';
import { ReportsQueue } from './ReportsQueue.js';

/** The reports queue on its own, for room owners and moderators (staff have it in the admin page too). */
export function ReportsDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Reports" onClose={onClose}>
      <ReportsQueue />
    </Modal>
  );
}
