import { useState } from 'react';
import { useAnchoredPosition } from '../hooks/useAnchoredPosition.js';
import { useChatSelector } from '../hooks/useChatSelector.js';
import { useMenuButton } from '../hooks/useMenuButton.js';
import { currentTheme, setTheme, type Theme } from '../lib/theme.js';
import { Icon, type IconName } from './Icon.js';
import { type MenuItem, MenuItems } from './MenuItems.js';

/** The dialogs the account menu opens. */
export type AccountDialog = 'invites' | 'sessions' | 'password';

type Item = MenuItem & { icon: IconName };

/**
 * The account's menu, beside the name: invite people (when the server lets them), sessions,
 * password, the theme, sign out — one button instead of a row of icons the name had no room
 * beside. A WAI-ARIA menu button (useMenuButton). The menu floats (`position: fixed`, placed by
 * useAnchoredPosition) so that it is wholly on screen on a phone's drawer too, and stays in
 * the DOM after its button so that Tab from it goes on through the sidebar.
 */
export function AccountMenu({
  onSignOut,
  onOpenDialog,
}: {
  onSignOut(): void;
  onOpenDialog(kind: AccountDialog): void;
}) {
  const guest = useChatSelector((s) => s.me.guest);
  // Follows me:updated: an admin letting members invite shows the item without a reload.
  const mayInvite = useChatSelector((s) => s.me.may.createInvite);
  const [theme, setThemeState] = useState<Theme>(currentTheme);
  const { open, close, button, buttonProps, menuProps } = useMenuButton();
  const position = useAnchoredPosition(open ? button.current : null, menuProps.ref);

  const nextTheme: Theme = theme === 'dark' ? 'light' : 'dark';
  const items: Item[] = [
    // For staff too: the same list as the admin page's Invites tab, one step from here.
    ...(mayInvite
      ? [{ label: 'Invite people', icon: 'userPlus', run: () => onOpenDialog('invites') } as const]
      : []),
    /*
      Guests have no password: they cannot sign back in at all, so their one session is the
      browser they are using — a list of one with nothing to sign out. They get neither.
    */
    ...(guest
      ? []
      : ([
          { label: 'Sessions', icon: 'monitor', run: () => onOpenDialog('sessions') },
          { label: 'Change password', icon: 'key', run: () => onOpenDialog('password') },
        ] as const)),
    {
      label: `Switch to ${nextTheme} theme`,
      icon: nextTheme === 'light' ? 'sun' : 'moon',
      run: () => {
        setTheme(nextTheme);
        setThemeState(nextTheme);
      },
    },
    { label: 'Sign out', icon: 'power', run: onSignOut },
  ];

  return (
    <>
      <button
        {...buttonProps}
        type="button"
        className="icon-button"
        aria-label="Account menu"
        title="Account"
      >
        <Icon name="user" />
      </button>
      {open && (
        <div
          {...menuProps}
          role="menu"
          className="account-menu"
          aria-label="Account"
          // Unplaced for the first layout only (corrected before it is painted): hidden, the
          // first item could not take the focus.
          style={position ?? undefined}
        >
          <MenuItems items={items} close={close} />
        </div>
      )}
    </>
  );
}
