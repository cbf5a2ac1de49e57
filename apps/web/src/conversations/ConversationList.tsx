import { memo, useRef, type KeyboardEvent } from 'react';
import type { Conversation } from '@parley/sdk';
import { useConversationSnapshot, useMessenger } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { ConversationFlags } from '../conversation-settings/ConversationSettingsButtons';
import { PresenceDot } from '../presence/PresenceDot';
import { Avatar } from '../ui/Avatar';
import { formatListStamp } from '../ui/format';
import { conversationTitle, lastActivity, messagePreview } from './conversation-info';

interface ConversationListProps {
  conversations: Conversation[];
  myId: string;
  selectedId: string | null;
  filtered: boolean;
  onSelect: (id: string) => void;
}

export function ConversationList({
  conversations,
  myId,
  selectedId,
  filtered,
  onSelect,
}: ConversationListProps) {
  const listRef = useRef<HTMLUListElement>(null);

  // Arrow keys move between conversations (Home/End jump), Enter/Space open: one Tab stop for the list.
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key))
      return;
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.conversation') ?? [])];
    if (buttons.length === 0) return;
    e.preventDefault();
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let next = current;
    if (e.key === 'ArrowDown') next = current < 0 ? 0 : Math.min(buttons.length - 1, current + 1);
    if (e.key === 'ArrowUp') next = current < 0 ? 0 : Math.max(0, current - 1);
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = buttons.length - 1;
    buttons[next]?.focus();
  };

  if (conversations.length === 0) {
    return (
      <div className="list-empty" data-testid={TestIds.conversationListEmpty}>
        {filtered ? (
          <p>No conversation matches.</p>
        ) : (
          <>
            <p className="list-empty-title">No conversations yet</p>
            <p>Start a direct message, create a group, or join a channel to get going.</p>
          </>
        )}
      </div>
    );
  }

  const focusableId = conversations.some((c) => c.id === selectedId) ? selectedId : conversations[0]?.id;
  return (
    <ul
      className="conversation-list"
      data-testid={TestIds.conversationList}
      aria-label="Conversations"
      ref={listRef}
      onKeyDown={onKeyDown}
    >
      {conversations.map((c) => (
        <ConversationItem
          key={c.id}
          conversation={c}
          myId={myId}
          selected={c.id === selectedId}
          tabbable={c.id === focusableId}
          onSelect={onSelect}
        />
      ))}
    </ul>
  );
}

interface ItemProps {
  conversation: Conversation;
  myId: string;
  selected: boolean;
  tabbable: boolean;
  onSelect: (id: string) => void;
}

/** One row; it follows its own conversation's snapshot, so only rows that changed re-render. */
const ConversationItem = memo(function ConversationItem({
  conversation,
  myId,
  selected,
  tabbable,
  onSelect,
}: ItemProps) {
  const c = useConversationSnapshot(conversation);
  const messenger = useMessenger();
  const title = conversationTitle(c, myId);
  const last = c.lastMessage;
  const preview = last
    ? `${last.senderId === myId ? 'You: ' : ''}${messagePreview(last)}`
    : c.type === 'channel'
      ? 'Channel created'
      : 'No messages yet';
  const unread = c.unreadCount;
  const other = c.type === 'direct' ? c.participants.find((p) => p.userId !== myId) : undefined;
  return (
    <li>
      <button
        type="button"
        className={`conversation${selected ? ' selected' : ''}${unread > 0 ? ' unread' : ''}`}
        data-testid={TestIds.conversationItem}
        data-conversation-id={c.id}
        data-type={c.type}
        aria-current={selected ? 'page' : undefined}
        tabIndex={tabbable ? 0 : -1}
        onClick={() => onSelect(c.id)}
        title={title}
      >
        <span className="presence-anchor">
          <Avatar
            seed={other?.username ?? c.id}
            name={title}
            kind={c.type === 'direct' ? 'user' : c.type === 'channel' ? 'channel' : 'group'}
          />
          {other && <PresenceDot messenger={messenger} userId={other.userId} />}
        </span>
        <span className="conversation-body">
          <span className="conversation-top">
            <span className="conversation-title" data-testid={TestIds.conversationTitle}>
              {title}
            </span>
            <ConversationFlags pinned={c.pinned} muted={c.muted} />
            <time className="conversation-time" dateTime={lastActivity(c)}>
              {formatListStamp(lastActivity(c))}
            </time>
          </span>
          <span className="conversation-bottom">
            <span className="conversation-preview" data-testid={TestIds.conversationPreview}>
              {preview}
            </span>
            {unread > 0 && (
              <span className="badge" data-testid={TestIds.unreadBadge} aria-label={`${unread} unread`}>
                {unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});
