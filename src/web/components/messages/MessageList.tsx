import {
  forwardRef,
  type HTMLAttributes,
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type IndexLocationWithAlign, Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { useChatClient } from '../../hooks/ChatContext.js';
import { sameEntries, sameItems, useChatSelector } from '../../hooks/useChatSelector.js';
import { useNow } from '../../hooks/useNow.js';
import { memberNames, messagesIn, pendingIn } from '../../state/selectors.js';
import { type MessageActions, MessageItem, SystemLine } from './MessageItem.js';
import { type PendingActions, PendingItem } from './PendingItem.js';
import { buildRows, type Row } from './rows.js';
import { useMessageTarget } from './useMessageTarget.js';
import { useReadingPosition } from './useReadingPosition.js';
import { useRovingFocus } from './useRovingFocus.js';

// Virtuoso keeps the scroll position when older rows are prepended if the index of the first
// row goes down by the number of rows added; starting high leaves room for that.
const FIRST_INDEX = 10_000_000;

const LogList = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function LogList(props, ref) {
  // A log, but not a live region: virtualized rows re-enter the DOM while scrolling and would
  // be read out again. New messages are announced by RoomView's own status line instead.
  return <div {...props} ref={ref} role="log" aria-live="off" aria-label="Messages" />;
});

/**
 * A room's messages, newest at the bottom, virtualized. It selects only what its rows show —
 * not typing notices, not presence — so those re-render the notice and the header, never the
 * list (test/unit/web-render.test.ts counts).
 */
export const MessageList = memo(function MessageList({
  roomId,
  actions,
  pendingActions,
}: {
  roomId: string;
  actions: MessageActions;
  pendingActions: PendingActions;
}) {
  const client = useChatClient();
  const messages = useChatSelector((s) => messagesIn(s, roomId));
  const pending = useChatSelector((s) => pendingIn(s, roomId), sameItems);
  const me = useChatSelector((s) => s.me);
  const meId = me.id;
  const meName = me.username;
  const isOwner = useChatSelector((s) => s.rooms[roomId]?.room.ownerId === s.me.id);
  const names = useChatSelector((s) => memberNames(s, roomId), sameEntries);
  const dividerSeq = useChatSelector((s) => s.dividerSeq);
  const hasOlder = useChatSelector((s) =>
    Boolean(s.rooms[roomId]?.hasOlder && s.rooms[roomId].historyLoaded),
  );
  const onLoadOlder = useCallback(() => void client.loadOlder(roomId), [client, roomId]);
  // A window opened around an old message (a link) pages forward as the reader scrolls down.
  const hasNewer = useChatSelector((s) => Boolean(s.rooms[roomId]?.hasNewer));
  const now = useNow();
  const rows = useMemo(
    () => buildRows(messages, pending, meId, dividerSeq, now),
    [messages, pending, meId, dividerSeq, now],
  );
  const virtuoso = useRef<VirtuosoHandle>(null);
  const { flashId, initialIndex } = useMessageTarget(roomId, rows, virtuoso);
  const reading = useReadingPosition(roomId, rows, virtuoso);
  // Where the list opens: a linked message, else the unread divider, else the bottom. Taken
  // once — the list must not be sent back there when it re-renders.
  const initialTop = useRef<IndexLocationWithAlign>(
    initialIndex !== null
      ? { index: initialIndex, align: 'center' }
      : reading.initialIndex !== null
        ? { index: reading.initialIndex, align: 'start' }
        : { index: 'LAST', align: 'end' },
  );
  const [atBottom, setAtBottom] = useState(true);
  const roving = useRovingFocus(rows, virtuoso);
  const [unseen, setUnseen] = useState(0);

  // Keep the first rendered message anchored when older history is prepended.
  const anchor = useRef<{ key: string | null; index: number; firstItemIndex: number }>({
    key: null,
    index: 0,
    firstItemIndex: FIRST_INDEX,
  });
  // The anchor is the first message or run of joins, by a message id: a run is found again by
  // its newest line, which stays in it when older joins are prepended to the run (its key, the
  // first line's id, does not). Joins-only stretches (the top of a busy #general) stay put too.
  const anchorIndex = anchor.current.key ? rows.findIndex((r) => holds(r, anchor.current.key!)) : -1;
  if (anchorIndex > anchor.current.index) anchor.current.firstItemIndex -= anchorIndex - anchor.current.index;
  const firstMessage = rows.findIndex((r) => r.kind === 'message' || r.kind === 'people');
  const first = rows[firstMessage];
  anchor.current.key = first?.kind === 'people' ? first.lines.at(-1)!.id : (first?.key ?? null);
  anchor.current.index = Math.max(0, firstMessage);

  // Count messages that arrive while the reader is scrolled up, for the "new messages" pill.
  const last = rows.at(-1);
  const lastFromOther = last?.kind === 'message' && last.message.author?.id !== meId ? last.key : null;
  const atBottomRef = useRef(atBottom);
  atBottomRef.current = atBottom;
  useEffect(() => {
    if (lastFromOther && !atBottomRef.current) setUnseen((n) => n + 1);
  }, [lastFromOther]);

  const highlight = meName.toLowerCase();
  // Both need the scroller: the roving focus to tell the list from outside, the reading
  // position to measure what is on screen.
  const { scrollerRef: rovingScroller } = roving;
  const { scrollerRef: readingScroller } = reading;
  const scrollerRef = useCallback(
    (el: HTMLElement | Window | null) => {
      rovingScroller(el);
      readingScroller(el);
    },
    [rovingScroller, readingScroller],
  );
  return (
    // Keys and focus bubble up from the rows: the list is one tab stop (useRovingFocus).
    // biome-ignore lint/a11y/noStaticElementInteractions: the rows are the interactive elements
    <div className="message-list" onKeyDown={roving.onKeyDown} onFocus={roving.onFocus}>
      <Virtuoso
        ref={virtuoso}
        scrollerRef={scrollerRef}
        data={rows}
        firstItemIndex={anchor.current.firstItemIndex}
        initialTopMostItemIndex={initialTop.current}
        computeItemKey={(_, row) => row.key}
        alignToBottom
        followOutput={(isAtBottom) => {
          if (hasNewer) return false;
          const last = rows.at(-1);
          const mineLast =
            last?.kind === 'pending' || (last?.kind === 'message' && last.message.author?.id === meId);
          return isAtBottom || mineLast ? 'smooth' : false;
        }}
        // A row can grow after it was laid out (media whose size the server could not read
        // takes it on load): keep a reader who was at the bottom there, not one reading history
        // above. atBottomRef still holds the state from before the growth — Virtuoso reports the
        // height first and its "no longer at bottom" to React only afterwards.
        totalListHeightChanged={() => {
          // Nor one just taken to a linked message or to the unread divider: the list reports
          // leaving the bottom only after the rows above are measured.
          if (atBottomRef.current && !hasNewer && !flashId && !reading.holding)
            virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
        }}
        atBottomThreshold={80}
        atBottomStateChange={(bottom) => {
          setAtBottom(bottom);
          // endReached alone misses the end when the last index did not change.
          if (bottom && hasNewer) void client.loadNewer(roomId);
          if (bottom) setUnseen(0);
        }}
        startReached={() => {
          if (hasOlder) onLoadOlder();
        }}
        endReached={() => {
          if (hasNewer) void client.loadNewer(roomId);
        }}
        components={{
          List: LogList,
          Header: () =>
            hasOlder ? (
              <div className="list-edge muted small">Loading earlier messages…</div>
            ) : (
              <div className="list-edge muted small">This is the beginning of the room.</div>
            ),
          Footer: () =>
            hasNewer ? <div className="list-edge muted small">Loading newer messages…</div> : null,
        }}
        itemContent={(_, row) => {
          switch (row.kind) {
            case 'day':
              return (
                <h2 className="day-separator">
                  <span>{row.label}</span>
                </h2>
              );
            case 'divider':
              return (
                <div className="unread-divider">
                  <span>New messages</span>
                </div>
              );
            case 'pending':
              return (
                <PendingItem
                  item={row.item}
                  me={meName}
                  actions={pendingActions}
                  tabIndex={row.key === roving.activeKey ? 0 : -1}
                />
              );
            case 'people':
              return <SystemLine lines={row.lines} now={now} />;
            case 'message': {
              const item = (
                <MessageItem
                  message={row.message}
                  grouped={row.grouped}
                  mine={row.message.author?.id === meId}
                  canDelete={row.message.author?.id === meId || isOwner}
                  meId={meId}
                  highlight={highlight}
                  names={names}
                  now={now}
                  actions={actions}
                  tabIndex={row.key === roving.activeKey ? 0 : -1}
                />
              );
              // A message a link opened is marked for a moment (useMessageTarget).
              return row.message.id === flashId ? <div className="message-flash">{item}</div> : item;
            }
          }
        }}
      />
      {reading.jumpToUnread && (
        <button type="button" className="jump-to-unread" onClick={reading.jumpToUnread.jump}>
          Jump to first unread ({reading.jumpToUnread.count}) ↑
        </button>
      )}
      {!atBottom && unseen > 0 && (
        <button
          type="button"
          className="new-messages-pill"
          onClick={() => virtuoso.current?.scrollToIndex({ index: 'LAST', behavior: 'smooth', align: 'end' })}
        >
          {unseen} new {unseen === 1 ? 'message' : 'messages'} ↓
        </button>
      )}
    </div>
  );
});

/** Whether the row shows the message with this id: a message row by its key, a run by any line. */
function holds(row: Row, messageId: string): boolean {
  return row.kind === 'people' ? row.lines.some((line) => line.id === messageId) : row.key === messageId;
}
