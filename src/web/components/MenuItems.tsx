import { Icon, type IconName } from './Icon.js';

export interface MenuItem {
  label: string;
  icon?: IconName;
  run(): void | Promise<void>;
}

/**
 * The items of a `role="menu"` popup opened by useMenuButton: out of the Tab order (the arrow
 * keys move between them), and choosing one closes the menu before it runs, so the focus is
 * back on the menu's button when what it opens (a dialog) takes it.
 */
export function MenuItems({ items, close }: { items: readonly MenuItem[]; close(): void }) {
  return items.map((item) => (
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
      {item.icon && <Icon name={item.icon} size={16} />}
      {item.label}
    </button>
  ));
}
