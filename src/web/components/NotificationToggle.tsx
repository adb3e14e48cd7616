import { useId, useState } from 'react';
import { useNotificationPermission } from '../hooks/useNotificationPermission.js';
import { NOTIFY_KEY } from '../lib/notifications.js';
import { HelpPopover } from './HelpPopover.js';
import { Icon } from './Icon.js';

/**
 * Turns desktop notifications on (asking the browser's permission) and off. When the browser
 * blocks them for this site, the bell says so and, clicked, explains how to allow them: the
 * page cannot ask again, only the person can, in the site's settings.
 */
export function NotificationToggle() {
  const [permission, setPermission] = useNotificationPermission();
  const [wanted, setWanted] = useState(() => localStorage.getItem(NOTIFY_KEY) === 'on');
  const helpId = useId();
  if (permission === 'unsupported') return null;
  if (permission === 'denied') return <BlockedBell helpId={helpId} />;
  const enabled = wanted && permission === 'granted';
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={enabled}
      aria-label={enabled ? 'Turn off notifications' : 'Turn on notifications'}
      title={enabled ? 'Notifications on' : 'Notifications off'}
      onClick={async () => {
        if (enabled) {
          localStorage.setItem(NOTIFY_KEY, 'off');
          setWanted(false);
          return;
        }
        const answer = await Notification.requestPermission();
        localStorage.setItem(NOTIFY_KEY, answer === 'granted' ? 'on' : 'off');
        setWanted(answer === 'granted');
        setPermission(answer);
      }}
    >
      <Icon name={enabled ? 'bell' : 'bellOff'} />
    </button>
  );
}

/** A native popover: the browser closes it on Escape or a click elsewhere, and puts it on top. */
function BlockedBell({ helpId }: { helpId: string }) {
  return (
    <>
      <button
        type="button"
        className="icon-button blocked"
        aria-label="Notifications blocked"
        title="Notifications blocked"
        popoverTarget={helpId}
      >
        <Icon name="bellOff" />
      </button>
      <HelpPopover id={helpId} title="Notifications are blocked" className="notify-help">
        <p>This browser blocks notifications from Parley, so it cannot ask you again.</p>
        <p>
          To allow them, click the lock icon (or the site settings icon) at the left of the address bar, open
          the site settings, and set Notifications to Allow. Then turn the bell on here.
        </p>
      </HelpPopover>
    </>
  );
}
