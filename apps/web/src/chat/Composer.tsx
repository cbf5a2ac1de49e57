import { useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { Conversation } from '@parley/sdk';
import { TestIds } from '../app/test-ids';
import { AttachButton } from '../attachments/AttachButton';
import { UploadList } from '../attachments/UploadList';
import { useAttachmentUploads } from '../attachments/use-attachment-uploads';
import { formatKb, utf8Bytes } from '../ui/format';
import { IconAlert, IconSend } from '../ui/icons';
import { MAX_TEXT_BYTES, checkTextSize } from './message-size';
import { useMessageFeatures } from './message-features';
import { MentionSuggestions } from './mentions/MentionSuggestions';
import { mentionedUserIds } from './mentions/mention-query';
import { useMentionAutocomplete } from './mentions/use-mention-autocomplete';
import { ReplyBar } from './replies/ReplyBar';

const noParticipants: readonly never[] = [];

/** Drafts survive switching conversations (not reloads). */
const drafts = new Map<string, string>();

/** Re-send "typing" at most this often while keys keep coming; "stopped" after this much quiet. */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export interface ComposerHandle {
  focus: () => void;
}

interface ComposerProps {
  conversation: Conversation;
  title: string;
  /** Up arrow in an empty composer: edit my last message. */
  onEditLast: () => boolean;
  onSent: () => void;
  handleRef?: Ref<ComposerHandle>;
}

export function Composer({ conversation, title, onEditLast, onSent, handleRef }: ComposerProps) {
  const [text, setText] = useState(() => drafts.get(conversation.id) ?? '');
  const [error, setError] = useState<string>();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useImperativeHandle(handleRef, () => ({ focus: () => inputRef.current?.focus() }), []);
  const features = useMessageFeatures();
  const participants = features?.snapshot.participants ?? noParticipants;
  const mentions = useMentionAutocomplete(inputRef, text, setText, participants, features?.myId ?? '');
  const uploads = useAttachmentUploads(conversation, onSent);

  // Keep the draft; grow the textarea with its content (up to a cap set in CSS).
  useEffect(() => {
    if (text) drafts.set(conversation.id, text);
    else drafts.delete(conversation.id);
    const el = inputRef.current;
    if (el) {
      el.style.height = 'auto';
      el.style.height = `${el.scrollHeight}px`;
    }
  }, [text, conversation.id]);

  const stopTyping = () => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = undefined;
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      conversation.typing(false);
    }
  };

  // Leaving the conversation (or the page) ends the typing signal.
  useEffect(() => stopTyping, [conversation]);

  const signalTyping = (value: string) => {
    if (!value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - typingSentAt.current >= TYPING_REPEAT_MS) {
      typingSentAt.current = now;
      conversation.typing(true);
    }
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  /**
   * Every Enter is one message: the text goes into the SDK outbox (shown at once as pending, sent in order,
   * retried through disconnects) and the composer is empty for the next one. The text is read from the
   * textarea itself, which is ahead of React state when keys come fast.
   */
  const send = () => {
    const body = inputRef.current?.value ?? text;
    if (!body.trim()) return;
    const tooLong = checkTextSize(body);
    if (tooLong) {
      setError(tooLong);
      return;
    }
    setError(undefined);
    stopTyping();
    if (inputRef.current) inputRef.current.value = '';
    setText('');
    drafts.delete(conversation.id);
    // A failure shows on the message itself, with Retry; nothing to do here.
    conversation
      .sendMessage(body, {
        replyTo: features?.replyingTo?.id,
        mentions: mentionedUserIds(body, participants),
      })
      .catch(() => undefined);
    features?.cancelReply();
    onSent();
    inputRef.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(e)) return;
    if (e.key === 'Escape' && features?.replyingTo && !error) {
      e.preventDefault();
      features.cancelReply();
      return;
    }
    if (
      e.key === 'Enter' &&
      !e.shiftKey &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey &&
      !e.nativeEvent.isComposing
    ) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && !e.shiftKey && !e.altKey) {
      if (onEditLast()) e.preventDefault();
    } else if (e.key === 'Escape' && error) {
      setError(undefined);
    }
  };

  const bytes = text.length > MAX_TEXT_BYTES / 8 ? utf8Bytes(text) : 0;
  const nearLimit = bytes > MAX_TEXT_BYTES * 0.8;

  return (
    <div className={`composer-wrap${uploads.dragging ? ' dragging' : ''}`} {...uploads.dropTarget}>
      {uploads.dragging && (
        <div className="drop-hint" data-testid={TestIds.dropZone}>
          Drop files to send them
        </div>
      )}
      <UploadList uploads={uploads} />
      {features?.replyingTo && <ReplyBar message={features.replyingTo} />}
      <MentionSuggestions
        candidates={mentions.candidates}
        highlighted={mentions.highlighted}
        onPick={mentions.pick}
      />
      {error && (
        <div className="composer-error" role="alert" data-testid={TestIds.composerError}>
          <IconAlert size={16} />
          <span>{error}</span>
        </div>
      )}
      <form
        className={`composer${error ? ' has-error' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <AttachButton onFiles={uploads.start} />
        <textarea
          ref={inputRef}
          value={text}
          rows={1}
          placeholder={`Message ${title}`}
          aria-label={`Message ${title}`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(undefined);
            signalTyping(e.target.value);
            mentions.trackCaret();
          }}
          onKeyDown={onKeyDown}
          onKeyUp={mentions.trackCaret}
          onClick={mentions.trackCaret}
          onPaste={uploads.onPaste}
          onBlur={() => {
            if (!text.trim()) stopTyping();
          }}
          data-testid={TestIds.composerInput}
          autoFocus
        />
        {nearLimit && (
          <span className={`composer-count${bytes > MAX_TEXT_BYTES ? ' over' : ''}`} aria-live="polite">
            {formatKb(bytes)} / {formatKb(MAX_TEXT_BYTES)} KB
          </span>
        )}
        <button
          type="submit"
          className="send-button"
          disabled={!text.trim()}
          aria-label="Send message"
          title="Send (Enter)"
          data-testid={TestIds.sendButton}
        >
          <IconSend />
        </button>
      </form>
      <p className="composer-hint muted small" aria-hidden="true">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </div>
  );
}
