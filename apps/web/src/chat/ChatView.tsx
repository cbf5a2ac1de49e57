import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Conversation, ConversationSnapshot, MessageSnapshot } from '@parley/sdk';
import { describeError } from '../app/errors';
import { useConversationSnapshot, useMessengerContext, usePageVisible } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import {
  conversationSubtitle,
  conversationTitle,
  messagePreview,
  senderName,
} from '../conversations/conversation-info';
import { useCalls } from '../calls/calls-context';
import { useMsisdnOf } from '../calls/contacts';
import { ConversationSettingsButtons } from '../conversation-settings/ConversationSettingsButtons';
import { PresenceLine } from '../presence/PresenceDot';
import { ProviderCallButtons } from '../provider-calls/ProviderCallButtons';
import { useSearchJump } from '../search/search-jump';
import { SupportCallButton } from '../support/SupportEntry';
import { isSupportConversation } from '../support/support-context';
import { Avatar } from '../ui/Avatar';
import { IconArrowLeft, IconDoor, IconPhone } from '../ui/icons';
import { isolate } from '../ui/format';
import { useToast } from '../ui/toast';
import { Composer, type ComposerHandle } from './Composer';
import { isTextOnly } from './MessageItem';
import { MessageList, type MessageListHandle } from './MessageList';
import { MessageFeaturesProvider, type MessageFeatures } from './message-features';
import { TypingIndicator } from './TypingIndicator';

interface ChatViewProps {
  conversation: Conversation;
  onBack: () => void;
}

/** Unread messages from others that this device has loaded. */
function hasUnreadFromOthers(snapshot: ConversationSnapshot, myId: string): boolean {
  if (snapshot.unreadCount > 0) return true;
  const messages = snapshot.messages;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.seq <= snapshot.lastReadSeq) return false;
    if (m.senderId !== myId && !m.removedAt) return true;
  }
  return false;
}

export function ChatView({ conversation, onBack }: ChatViewProps) {
  const { messenger } = useMessengerContext();
  const toast = useToast();
  const snapshot = useConversationSnapshot(conversation);
  const visible = usePageVisible();
  const myId = messenger.user.id;
  const [editingId, setEditingId] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [replyingTo, setReplyingTo] = useState<MessageSnapshot | null>(null);
  const listRef = useRef<MessageListHandle>(null);
  const composerRef = useRef<ComposerHandle>(null);
  const scrollToHit = useCallback((id: string) => listRef.current?.scrollToMessage(id) ?? false, []);
  useSearchJump(conversation, scrollToHit);
  const readRequested = useRef(0);

  const title = conversationTitle(snapshot, myId);
  const me = snapshot.participants.find((p) => p.userId === myId);
  const canWrite = me ? me.permissions.write || me.permissions.owner : true;

  // Read state: opening the conversation, and each new message while it is open and the page visible, marks it
  // read on the server, which clears the unread badge on every device of this user.
  useEffect(() => {
    if (!visible) return;
    if (!hasUnreadFromOthers(snapshot, myId)) return;
    if (readRequested.current >= snapshot.lastSeq) return;
    readRequested.current = snapshot.lastSeq;
    conversation.markAsRead(snapshot.lastSeq).catch(() => {
      readRequested.current = 0;
    });
  }, [conversation, snapshot, myId, visible]);

  // Screen readers hear incoming messages (the visual list is virtualised, so it is not a live region).
  useEffect(
    () =>
      conversation.on('messageAdded', (message) => {
        if (message.senderId !== myId) {
          setAnnouncement(
            `${isolate(senderName(conversation, message.senderId))}: ${messagePreview(message)}`,
          );
        }
      }),
    [conversation, myId],
  );

  const startEdit = useCallback((id: string) => setEditingId(id), []);
  const cancelEdit = useCallback(() => {
    setEditingId(null);
    composerRef.current?.focus();
  }, []);
  const saveEdit = useCallback(
    async (message: MessageSnapshot, text: string) => {
      await conversation.editMessage(message.id, text);
      setEditingId(null);
      composerRef.current?.focus();
    },
    [conversation],
  );
  const remove = useCallback(
    (message: MessageSnapshot) => {
      conversation.removeMessage(message.id).catch((err: unknown) => {
        toast(`Could not remove the message: ${describeError(err)}`);
      });
    },
    [conversation, toast],
  );
  const editLast = useCallback(() => {
    const messages = conversation.snapshot().messages;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.senderId === myId && !m.removedAt && isTextOnly(m)) {
        setEditingId(m.id);
        return true;
      }
    }
    return false;
  }, [conversation, myId]);

  const leave = async () => {
    if (leaving) return;
    setLeaving(true);
    try {
      await messenger.leaveConversation(conversation.id);
      toast(`You left ${isolate(title)}.`, 'info');
      onBack();
    } catch (err) {
      toast(`Could not leave: ${describeError(err)}`);
      setLeaving(false);
    }
  };

  const other = snapshot.type === 'direct' ? snapshot.participants.find((p) => p.userId !== myId) : undefined;
  const calls = useCalls();
  const otherMsisdn = useMsisdnOf(messenger, calls.msisdn ? other?.username : undefined);

  // Replies, reactions and mentions: what the rows and the composer share.
  const replyTarget = replyingTo && (snapshot.messages.find((m) => m.id === replyingTo.id) ?? replyingTo);
  const features = useMemo<MessageFeatures>(
    () => ({
      conversation,
      snapshot,
      myId,
      replyingTo: replyTarget && !replyTarget.removedAt ? replyTarget : null,
      startReply: (message) => {
        setReplyingTo(message);
        composerRef.current?.focus();
      },
      cancelReply: () => setReplyingTo(null),
      scrollToMessage: (messageId) => listRef.current?.scrollToMessage(messageId) ?? false,
    }),
    [conversation, snapshot, myId, replyTarget],
  );

  const view = (
    <section
      className="chat"
      data-testid={TestIds.chatView}
      data-conversation-id={conversation.id}
      aria-label={title}
    >
      <header className="chat-header">
        <button
          type="button"
          className="icon-button back-button"
          onClick={onBack}
          aria-label="Back to conversations"
          data-testid={TestIds.backButton}
        >
          <IconArrowLeft />
        </button>
        <Avatar
          seed={other?.username ?? conversation.id}
          name={title}
          kind={snapshot.type === 'direct' ? 'user' : snapshot.type === 'channel' ? 'channel' : 'group'}
        />
        <div className="chat-heading">
          <h1 className="chat-title" data-testid={TestIds.chatTitle}>
            {title}
          </h1>
          <p
            className="chat-subtitle"
            data-testid={TestIds.chatSubtitle}
            title={snapshot.participants.map((p) => p.displayName).join(', ')}
          >
            {conversationSubtitle(snapshot, myId)}
            {other && (
              <>
                {' · '}
                <PresenceLine messenger={messenger} userId={other.userId} />
              </>
            )}
          </p>
        </div>
        {otherMsisdn && (
          <button
            type="button"
            className="button button-sm button-ghost"
            onClick={() => void calls.dial(otherMsisdn, true)}
            disabled={calls.state !== 'online' || !!calls.current}
            title={`Call ${title} (${otherMsisdn})`}
            data-testid={TestIds.chatCallButton}
            data-msisdn={otherMsisdn}
          >
            <IconPhone size={16} />
            <span className="hide-narrow">Call</span>
          </button>
        )}
        {!isSupportConversation(snapshot) && (
          <ProviderCallButtons conversation={conversation} snapshot={snapshot} />
        )}
        {snapshot.type === 'group' && isSupportConversation(snapshot) && (
          <SupportCallButton conversationId={conversation.id} />
        )}
        <ConversationSettingsButtons conversation={conversation} snapshot={snapshot} />
        {snapshot.type !== 'direct' && (
          <button
            type="button"
            className="button button-sm button-ghost"
            onClick={() => void leave()}
            disabled={leaving}
            data-testid={TestIds.leaveConversationButton}
          >
            <IconDoor size={16} />
            <span className="hide-narrow">{leaving ? 'Leaving…' : 'Leave'}</span>
          </button>
        )}
      </header>

      <MessageList
        conversation={conversation}
        snapshot={snapshot}
        myId={myId}
        editingId={editingId}
        onStartEdit={startEdit}
        onCancelEdit={cancelEdit}
        onSaveEdit={saveEdit}
        onRemove={remove}
        handleRef={listRef}
      />

      <TypingIndicator messenger={messenger} conversation={snapshot} />

      {canWrite ? (
        <Composer
          conversation={conversation}
          title={snapshot.type === 'channel' ? `#${title}` : title}
          onEditLast={editLast}
          onSent={() => listRef.current?.scrollToEnd()}
          handleRef={composerRef}
        />
      ) : (
        <p className="composer-readonly muted">You can read this {snapshot.type} but not write in it.</p>
      )}
      <div className="sr-only" aria-live="polite">
        {announcement}
      </div>
    </section>
  );
  return <MessageFeaturesProvider value={features}>{view}</MessageFeaturesProvider>;
}
