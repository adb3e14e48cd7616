import { HELP_SHORTCUT, SWITCHER_SHORTCUT } from '../../lib/shortcuts.js';
import { Modal } from '../Modal.js';

/** Only what really works: each line is handled by the component named in its comment. */
const GROUPS: { title: string; keys: [string, string][] }[] = [
  {
    title: 'Anywhere',
    keys: [
      [SWITCHER_SHORTCUT, 'Jump to a room or person'], // ChatApp, QuickSwitcher
      ['/', 'Search messages'], // ChatApp, SearchPanel
      [`? or ${HELP_SHORTCUT}`, 'Show this list'], // useHelpShortcut
      ['Tab (first on the page)', 'Skip to the composer'], // SkipLink
      ['Escape', 'Close a dialog, a menu, or the sidebar on a phone'], // Modal, useEscapeClosesDrawer
    ],
  },
  {
    title: 'In search',
    keys: [
      ['Enter', 'Search; on a result, jump to its message'], // SearchField, SearchResultItem
      ['↓ ↑', 'Move between the results'], // SearchResultList
      ['Escape', 'Close search, back where you were'], // SearchField
    ],
  },
  {
    title: 'In the composer',
    keys: [
      ['Enter', 'Send the message'],
      ['Shift Enter', 'New line'],
      ['↑ in an empty box', 'Edit your last message'],
      ['Escape', 'Cancel a reply or an edit'],
      ['↑ ↓ then Enter or Tab', 'Pick from the @name or :emoji suggestions'],
    ],
  },
  {
    title: 'In the message list',
    keys: [
      ['↑ ↓', 'Move between messages'],
      ['Home End', 'Oldest loaded, newest message'],
      ['Enter', 'Reach the message’s links and actions (reply, react, edit, delete)'],
      ['Escape', 'Back to the message'],
      ['Tab', 'Leave the list, on towards the composer'],
    ],
  },
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      {GROUPS.map((group) => (
        <section key={group.title} className="shortcut-group">
          <h3>{group.title}</h3>
          <dl>
            {group.keys.map(([keys, what]) => (
              <div key={keys + what} className="shortcut">
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Modal>
  );
}
