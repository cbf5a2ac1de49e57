import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type Ref,
} from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Conversation, ConversationSnapshot, MessageSnapshot } from '@parley/sdk';
import { describeError } from '../app/errors';
import { TestIds } from '../app/test-ids';
import { readersOf, othersReadSeq, senderName } from '../conversations/conversation-info';
import { formatDay, sameDay } from '../ui/format';
import { MessageItem } from './MessageItem';
import { OutgoingItem } from './OutgoingItem';

/** Older messages fetched per page when the reader reaches the top. */
export const OLDER_PAGE_SIZE = 50;
/** Start loading the previous page this far (px) before the top. */
const LOAD_OLDER_THRESHOLD_PX = 600;
/** Space above the first message for "Loading older…" / "Beginning of the conversation". */
const HISTORY_EDGE_PX = 64;
/** Messages from one sender within this time are grouped under one name. */
const GROUP_WINDOW_MS = 5 * 60_000;

/** Highlights a message once it is rendered (the virtualiser may need a frame or two to mount its row). */
function flashMessage(root: HTMLElement | null, messageId: string, attempt = 0): void {
  requestAnimationFrame(() => {
    const el = root?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
    if (!el) {
      if (attempt < 10) flashMessage(root, messageId, attempt + 1);
      return;
    }
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 1500);
  });
}

export interface MessageListHandle {
  scrollToEnd: () => void;
  /** Scrolls a loaded message into view and flashes it; false when it is not loaded. */
  scrollToMessage: (messageId: string) => boolean;
}

interface MessageListProps {
  conversation: Conversation;
  /** What to render: the conversation's current snapshot. */
  snapshot: ConversationSnapshot;
  myId: string;
  editingId: string | null;
  onStartEdit: (id: string) => void;
  onCancelEdit: () => void;
  onSaveEdit: (message: MessageSnapshot, text: string) => Promise<void>;
  onRemove: (message: MessageSnapshot) => void;
  handleRef?: Ref<MessageListHandle>;
}

/**
 * The conversation's messages, virtualised with @tanstack/react-virtual: only the rows on screen (plus a few)
 * are in the DOM, each measured as it renders, so a history of thousands stays smooth. It opens at the newest
 * message, follows new ones while the reader is at the bottom, keeps the reading position when an older page
 * is prepended (anchorTo: 'end'), and loads that page on its own when the reader nears the top.
 */
export function MessageList(props: MessageListProps) {
  const { conversation, snapshot, myId, editingId } = props;
  const messages = snapshot.messages;
  // Sent but not yet stored: rendered after the stored messages, in send order.
  const outgoing = snapshot.outgoingMessages;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string>();
  const loadingRef = useRef(false);
  const exhaustedRef = useRef(false);
  const [settled, setSettled] = useState(false);

  const getItemKey = useCallback(
    (index: number) =>
      messages[index]?.id ?? `out:${outgoing[index - messages.length]?.clientMessageId ?? index}`,
    [messages, outgoing],
  );
  const virtualizer = useVirtualizer({
    count: messages.length + outgoing.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 64,
    getItemKey,
    overscan: 8,
    paddingStart: HISTORY_EDGE_PX,
    paddingEnd: 12,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 48,
    useFlushSync: false,
  });

  useImperativeHandle(
    props.handleRef,
    () => ({
      scrollToEnd: () => virtualizer.scrollToEnd(),
      scrollToMessage: (messageId: string) => {
        const index = messages.findIndex((m) => m.id === messageId);
        if (index < 0) return false;
        virtualizer.scrollToIndex(index, { align: 'center' });
        flashMessage(scrollRef.current, messageId);
        return true;
      },
    }),
    [virtualizer, messages],
  );

  // Open at the newest message; only then may reaching the top load older pages.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
    let frames = 0;
    let raf = requestAnimationFrame(function settle() {
      if (++frames < 3) raf = requestAnimationFrame(settle);
      else setSettled(true);
    });
    return () => cancelAnimationFrame(raf);
  }, [virtualizer]);

  const loadOlder = useCallback(async () => {
    if (loadingRef.current || !conversation.hasOlder || exhaustedRef.current) return;
    loadingRef.current = true;
    setLoadingOlder(true);
    setOlderError(undefined);
    // A list too short to scroll stays pinned to the bottom rather than to its old first row.
    const wasAtEnd = virtualizer.isAtEnd();
    try {
      const loaded = await conversation.loadOlder(OLDER_PAGE_SIZE);
      // Nothing came back: stop asking even if the server still claims there is more.
      if (loaded === 0) exhaustedRef.current = true;
      if (wasAtEnd) requestAnimationFrame(() => virtualizer.scrollToEnd());
    } catch (err) {
      setOlderError(describeError(err, 'Could not load older messages.'));
    } finally {
      loadingRef.current = false;
      setLoadingOlder(false);
    }
  }, [conversation, virtualizer]);

  // Near the top (or a list shorter than the screen) with more history on the server: fetch the previous page.
  const scrollOffset = virtualizer.scrollOffset ?? 0;
  useEffect(() => {
    if (!settled || loadingRef.current || exhaustedRef.current || olderError || !snapshot.hasOlder) return;
    if (scrollOffset < LOAD_OLDER_THRESHOLD_PX) void loadOlder();
  });

  // Editing the last message near the bottom: keep the editor in view.
  useEffect(() => {
    if (!editingId) return;
    const index = messages.findIndex((m) => m.id === editingId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [editingId]); // only when another message starts being edited

  // The "seen" marker: the last own message at or below the others' highest lastReadSeq.
  const readSeq = othersReadSeq(snapshot, myId);
  let readMessageId: string | null = null;
  let readLabel: string | null = null;
  if (readSeq > 0) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.senderId === myId && !m.removedAt && m.seq <= readSeq) {
        readMessageId = m.id;
        const readers = readersOf(snapshot, myId, m.seq);
        readLabel =
          snapshot.type === 'direct' || readers.length === 0
            ? 'Seen'
            : readers.length <= 3
              ? `Seen by ${readers.join(', ')}`
              : `Seen by ${readers.length}`;
        break;
      }
    }
  }

  const retrySend = useCallback((id: string) => conversation.retrySend(id), [conversation]);
  const discardSend = useCallback((id: string) => conversation.discardSend(id), [conversation]);

  const items = virtualizer.getVirtualItems();
  const distanceFromEnd = virtualizer.getDistanceFromEnd();
  const byUsername = new Map(snapshot.participants.map((p) => [p.userId, p.username]));

  return (
    <div className="message-scroller-wrap">
      <div
        ref={scrollRef}
        className="message-scroller"
        data-testid={TestIds.messageList}
        data-count={messages.length}
        tabIndex={0}
        aria-label="Messages"
        role="region"
      >
        <div className="message-canvas" style={{ height: virtualizer.getTotalSize() }}>
          <div className="history-edge" style={{ height: HISTORY_EDGE_PX }}>
            {loadingOlder ? (
              <span className="muted small" data-testid={TestIds.loadingOlder}>
                <span className="spinner spinner-sm" aria-hidden="true" /> Loading older messages…
              </span>
            ) : olderError ? (
              <span className="form-error small" role="alert">
                {olderError}{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setOlderError(undefined);
                    void loadOlder();
                  }}
                >
                  Retry
                </button>
              </span>
            ) : (!snapshot.hasOlder || exhaustedRef.current) && messages.length > 0 ? (
              <span className="muted small" data-testid={TestIds.historyStart}>
                This is the beginning of the conversation.
              </span>
            ) : null}
          </div>
          {items.map((item) => {
            const message = messages[item.index];
            if (!message) {
              const pending = outgoing[item.index - messages.length];
              if (!pending) return null;
              const before = messages[messages.length - 1];
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="virtual-row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <OutgoingItem
                    message={pending}
                    grouped={item.index > messages.length || (before?.senderId === myId && !before.removedAt)}
                    onRetry={retrySend}
                    onDiscard={discardSend}
                  />
                </div>
              );
            }
            const previous = item.index > 0 ? messages[item.index - 1] : undefined;
            const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
            const grouped =
              !newDay &&
              previous !== undefined &&
              previous.senderId === message.senderId &&
              !previous.removedAt &&
              Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="virtual-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageItem
                  message={message}
                  senderName={senderName(snapshot, message.senderId)}
                  senderIsBot={snapshot.participants.some((p) => p.userId === message.senderId && p.bot)}
                  senderUsername={byUsername.get(message.senderId) ?? message.senderId}
                  own={message.senderId === myId}
                  grouped={grouped}
                  dayDivider={newDay ? formatDay(message.createdAt) : null}
                  readLabel={message.id === readMessageId ? readLabel : null}
                  editing={message.id === editingId}
                  onStartEdit={props.onStartEdit}
                  onCancelEdit={props.onCancelEdit}
                  onSaveEdit={props.onSaveEdit}
                  onRemove={props.onRemove}
                />
              </div>
            );
          })}
        </div>
        {messages.length === 0 && outgoing.length === 0 && !loadingOlder && (
          <div className="message-list-empty" data-testid={TestIds.messageListEmpty}>
            {snapshot.hasOlder && !exhaustedRef.current && !olderError ? (
              <p className="muted">Loading messages…</p>
            ) : (
              <>
                <p className="list-empty-title">No messages yet</p>
                <p className="muted">Say hello — your first message starts the conversation.</p>
              </>
            )}
          </div>
        )}
      </div>
      {distanceFromEnd > 400 && (
        <button
          type="button"
          className="jump-to-latest"
          onClick={() => virtualizer.scrollToEnd({ behavior: 'smooth' })}
        >
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}
