import { useEffect, useState } from 'react';

type Permission = NotificationPermission | 'unsupported';

const current = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/**
 * The browser's notification permission, kept current: a person who unblocks the site in its
 * settings sees the bell change without a reload (where the Permissions API reports changes).
 */
export function useNotificationPermission(): [Permission, (p: Permission) => void] {
  const [permission, setPermission] = useState<Permission>(current);
  useEffect(() => {
    let status: PermissionStatus | undefined;
    const update = () => setPermission(current());
    navigator.permissions
      ?.query({ name: 'notifications' })
      .then((s) => {
        status = s;
        s.addEventListener('change', update);
      })
      .catch(() => {});
    return () => status?.removeEventListener('change', update);
  }, []);
  return [permission, setPermission];
}
