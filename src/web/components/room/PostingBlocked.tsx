import { useChatSelector } from '../../hooks/useChatSelector.js';
import { useNow } from '../../hooks/useNow.js';
import { formatRelative } from '../../lib/time.js';

/**
 * Why the composer is not there, when the user may not post in the room: archived, a mute
 * (until when), or a read-only channel they do not moderate. The server refuses such sends
 * anyway (domain/permissions.ts); this says so before anyone types. Null when they may post.
 */
export function usePostingBlock(roomId: string): string | null {
  const now = useNow(5_000);
  const room = useChatSelector((s) => s.rooms[roomId]?.room);
  const staff = useChatSelector((s) => s.me.role === 'admin' || s.me.role === 'moderator');
  if (!room) return null;
  if (room.archived) return 'This room is archived: its history is kept, and nobody posts here any more.';
  if (room.mutedUntil !== null && room.mutedUntil > now)
    return `A moderator has muted you in this room until ${formatRelative(room.mutedUntil, now)}: you can read, but not post or react.`;
  const moderates =
    room.myRole === 'owner' || room.myRole === 'moderator' || (staff && room.kind === 'channel');
  if (room.readOnly && !moderates) return 'Only this channel’s moderators post here.';
  return null;
}

export function PostingBlocked({ reason }: { reason: string }) {
  return (
    <p className="posting-blocked" role="status">
      {reason}
    </p>
  );
}
