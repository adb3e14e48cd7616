import { useState } from 'react';
import { NOTIFY_KEY } from '../lib/notifications.js';
import { Icon } from './Icon.js';

/** Turns desktop notifications on (asking the browser's permission) and off. */
export function NotificationToggle() {
  const supported = typeof Notification !== 'undefined';
  const [enabled, setEnabled] = useState(
    () => supported && localStorage.getItem(NOTIFY_KEY) === 'on' && Notification.permission === 'granted',
  );
  if (!supported) return null;
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
          setEnabled(false);
          return;
        }
        const permission = await Notification.requestPermission();
        const on = permission === 'granted';
        localStorage.setItem(NOTIFY_KEY, on ? 'on' : 'off');
        setEnabled(on);
      }}
    >
      <Icon name={enabled ? 'bell' : 'bellOff'} />
    </button>
  );
}
