import { memo } from 'react';
import type { OutgoingMessage } from '@parley/sdk';
import { TestIds } from '../app/test-ids';
import { IconAlert } from '../ui/icons';
import { describeSendFailure } from './message-size';
import { MessageParts } from './MessageParts';
import { OutgoingReplyQuote } from './replies/ReplyQuote';

interface OutgoingItemProps {
  /** Frozen: a new object whenever its status changes (an attempt starts, fails, or the outbox gives up). */
  message: Readonly<OutgoingMessage>;
  grouped: boolean;
  onRetry: (clientMessageId: string) => void;
  onDiscard: (clientMessageId: string) => void;
}

/**
 * A message this user sent that the server has not stored yet: shown at once, below the stored ones, as
 * "Sending…" while the SDK outbox keeps trying, or "Not sent" with Retry / Delete once it gave up.
 */
export const OutgoingItem = memo(function OutgoingItem({
  message,
  grouped,
  onRetry,
  onDiscard,
}: OutgoingItemProps) {
  const failed = message.status === 'failed';
  return (
    <div className={`message-row own${grouped ? ' grouped' : ''}`}>
      <article
        className={`message outgoing${failed ? ' failed' : ''}`}
        data-testid={TestIds.outgoingMessage}
        data-client-message-id={message.clientMessageId}
        data-status={message.status}
        aria-label={failed ? 'You, not sent' : 'You, sending'}
      >
        <div className="message-main">
          <OutgoingReplyQuote message={message} />
          <div className="bubble">
            <MessageParts parts={message.parts} conversationId={message.conversationId} />
            <span className="message-meta">
              {failed ? (
                <span className="outgoing-failed">
                  <IconAlert size={12} /> Not sent
                </span>
              ) : (
                <span className="outgoing-pending" title="Waiting for the server">
                  <span className="spinner spinner-xs" aria-hidden="true" /> Sending…
                </span>
              )}
            </span>
          </div>
          {failed && (
            <div className="outgoing-actions" role="alert">
              <span className="muted small">{describeSendFailure(message.lastError)}</span>
              <button
                type="button"
                className="link-button"
                onClick={() => onRetry(message.clientMessageId)}
                data-testid={TestIds.retrySend}
              >
                Retry
              </button>
              <button
                type="button"
                className="link-button danger"
                onClick={() => onDiscard(message.clientMessageId)}
                data-testid={TestIds.discardSend}
              >
                Delete
              </button>
            </div>
          )}
        </div>
      </article>
    </div>
  );
});
