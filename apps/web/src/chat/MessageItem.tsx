import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { messageText, type MessageSnapshot } from '@parley/sdk';
import { TestIds } from '../app/test-ids';
import { Avatar } from '../ui/Avatar';
import { formatFull, formatTime } from '../ui/format';
import { IconCheck, IconEdit, IconTrash } from '../ui/icons';
import { checkTextSize, describeSendError } from './message-size';
import { MessageParts } from './MessageParts';
import { useMessageFeatures } from './message-features';
import { ReactionBar, ReactionPicker } from './reactions/ReactionBar';
import { ReplyQuote } from './replies/ReplyQuote';

export interface MessageItemProps {
  /** Frozen: a new object whenever the message changed (edited, removed), so memo compares it by identity. */
  message: MessageSnapshot;
  senderName: string;
  senderUsername: string;
  /** The sender is a bot a machine client posts as. */
  senderIsBot?: boolean;
  own: boolean;
  /** Same sender as the message above, shortly before: no repeated avatar and name. */
  grouped: boolean;
  /** Day divider above this message ("Today", "Yesterday", a date). */
  dayDivider: string | null;
  /** "Seen" / "Seen by Bob" under the last own message another participant has read. */
  readLabel: string | null;
  editing: boolean;
  onStartEdit: (id: string) => void;
  onCancelEdit: () => void;
  onSaveEdit: (message: MessageSnapshot, text: string) => Promise<void>;
  onRemove: (message: MessageSnapshot) => void;
}

/** Only plain-text messages can be edited as text here. */
export function isTextOnly(message: MessageSnapshot): boolean {
  return (
    message.parts.length > 0 &&
    message.parts.every(
      (p) =>
        p.mimeType.toLowerCase().startsWith('text/plain') && p.body !== undefined && p.encoding !== 'base64',
    )
  );
}

function MessageEditor({
  message,
  onCancel,
  onSave,
}: {
  message: MessageSnapshot;
  onCancel: () => void;
  onSave: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState(() => messageText(message));
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const save = async () => {
    if (saving) return;
    if (text === messageText(message)) {
      onCancel();
      return;
    }
    if (!text.trim()) {
      setError('A message cannot be empty. Use Remove to delete it.');
      return;
    }
    const tooLong = checkTextSize(text);
    if (tooLong) {
      setError(tooLong);
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      await onSave(text);
    } catch (err) {
      setError(describeSendError(err, text).replace(/^Not sent/, 'Not saved'));
      setSaving(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <div className="message-editor">
      <textarea
        ref={ref}
        value={text}
        rows={1}
        onChange={(e) => {
          setText(e.target.value);
          setError(undefined);
        }}
        onKeyDown={onKeyDown}
        aria-label="Edit message"
        disabled={saving}
        data-testid={TestIds.editInput}
      />
      <div className="message-editor-footer">
        {error ? (
          <span className="form-error" role="alert" data-testid={TestIds.editError}>
            {error}
          </span>
        ) : (
          <span className="muted small">
            <kbd>Enter</kbd> save · <kbd>Esc</kbd> cancel
          </span>
        )}
        <span className="message-editor-buttons">
          <button type="button" className="button button-sm" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-sm button-primary"
            onClick={() => void save()}
            disabled={saving}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
        </span>
      </div>
    </div>
  );
}

export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { message, senderName, senderUsername, senderIsBot, own, grouped, dayDivider, readLabel, editing } =
    props;
  const removed = message.removedAt !== null;
  // A call card is kept current by the gateway editing it; that is not an edit anyone made.
  const isCallCard = message.parts.some((p) => p.mimeType.startsWith('application/voip-link'));
  const edited = message.editedAt !== null && !removed && !isCallCard;
  const canEdit = own && !removed && isTextOnly(message);
  const canRemove = own && !removed;
  const features = useMessageFeatures();
  const canRespond = features !== null && !removed;
  const mentionsMe = features !== null && !own && !removed && !!message.mentions?.includes(features.myId);

  return (
    <div className={`message-row${own ? ' own' : ''}${grouped ? ' grouped' : ''}`}>
      {dayDivider && (
        <div className="day-divider" role="separator">
          <span>{dayDivider}</span>
        </div>
      )}
      <article
        className={`message${removed ? ' removed' : ''}${editing ? ' editing' : ''}${mentionsMe ? ' mentions-me' : ''}`}
        data-mentions-me={mentionsMe || undefined}
        data-testid={TestIds.message}
        data-seq={message.seq}
        data-message-id={message.id}
        data-own={own}
        aria-label={`${own ? 'You' : senderName}, ${formatTime(message.createdAt)}`}
      >
        {!own && (
          <div className="message-gutter">
            {!grouped && <Avatar seed={senderUsername} name={senderName} size="sm" />}
          </div>
        )}
        <div className="message-main">
          <div className={`message-header${grouped || own ? ' sr-only' : ''}`}>
            <span className="message-sender" data-testid={TestIds.messageSender}>
              {senderName}
            </span>
            {senderIsBot && (
              <span className="message-bot-badge" data-testid={TestIds.messageBotBadge}>
                BOT
              </span>
            )}
          </div>
          {!editing && <ReplyQuote message={message} />}
          {editing ? (
            <MessageEditor
              message={message}
              onCancel={props.onCancelEdit}
              onSave={(text) => props.onSaveEdit(message, text)}
            />
          ) : (
            <div className="bubble">
              {removed ? (
                <p className="message-removed" data-testid={TestIds.messageRemoved}>
                  message removed
                </p>
              ) : (
                <MessageParts
                  parts={message.parts}
                  conversationId={message.conversationId}
                  senderId={message.senderId}
                  messageId={message.id}
                />
              )}
              <span className="message-meta">
                {edited && (
                  <span
                    className="message-edited"
                    data-testid={TestIds.messageEdited}
                    title={message.editedAt ? `Edited ${formatFull(message.editedAt)}` : undefined}
                  >
                    edited
                  </span>
                )}
                <time
                  dateTime={message.createdAt}
                  title={formatFull(message.createdAt)}
                  data-testid={TestIds.messageTime}
                >
                  {formatTime(message.createdAt)}
                </time>
              </span>
            </div>
          )}
          {!editing && <ReactionBar message={message} />}
          {readLabel && !editing && (
            <div className="read-marker" data-testid={TestIds.readMarker}>
              <IconCheck size={12} />
              {readLabel}
            </div>
          )}
        </div>
        {(canEdit || canRemove || canRespond) && !editing && (
          <div className="message-actions" role="toolbar" aria-label="Message actions">
            {canRespond && (
              <>
                <button
                  type="button"
                  className="icon-button icon-button-sm"
                  onClick={() => features?.startReply(message)}
                  aria-label="Reply"
                  title="Reply"
                  data-testid={TestIds.replyMessage}
                >
                  <svg
                    width="15"
                    height="15"
                    viewBox="0 0 24 24"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="2"
                    strokeLinecap="round"
                    strokeLinejoin="round"
                    aria-hidden="true"
                  >
                    <path d="M9 14 4 9l5-5" />
                    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
                  </svg>
                </button>
                <ReactionPicker message={message} />
              </>
            )}
            {canEdit && (
              <button
                type="button"
                className="icon-button icon-button-sm"
                onClick={() => props.onStartEdit(message.id)}
                aria-label="Edit message"
                title="Edit"
                data-testid={TestIds.editMessage}
              >
                <IconEdit size={15} />
              </button>
            )}
            {canRemove && (
              <button
                type="button"
                className="icon-button icon-button-sm danger"
                onClick={() => props.onRemove(message)}
                aria-label="Remove message"
                title="Remove"
                data-testid={TestIds.removeMessage}
              >
                <IconTrash size={15} />
              </button>
            )}
          </div>
        )}
      </article>
    </div>
  );
});
