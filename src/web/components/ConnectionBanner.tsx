import { useChatSelector } from '../hooks/useChatSelector.js';
import { hasUnsent } from '../state/selectors.js';

/**
 * "Connection lost" across the top of the app, in a row of its own (styles/notices.css): the
 * panes move down while it shows, so it never covers the room title or the profile bar.
 */
export function ConnectionBanner() {
  const connection = useChatSelector((s) => s.connection);
  const unsent = useChatSelector(hasUnsent);
  if (connection === 'online') return null;
  return (
    <div className="connection-banner" role="status">
      {connection === 'connecting' ? 'Connecting…' : 'Connection lost — reconnecting…'}
      {unsent && ' Your messages will be sent when you are back.'}
    </div>
  );
}
