import type { MessageSnapshot } from '@parley/sdk';
import { TestIds } from '../../app/test-ids';
import { senderName } from '../../conversations/conversation-info';
import { useMessageFeatures } from '../message-features';

/** The quote above a reply's bubble: who wrote the original and how it began; a click scrolls to it. */
export function ReplyQuote({ message }: { message: MessageSnapshot }) {
  const features = useMessageFeatures();
  const preview = message.replyPreview;
  if (!message.replyTo || !preview || message.removedAt) return null;
  const name = features ? senderName(features.snapshot, preview.senderId) : '';
  const excerpt = preview.removed ? 'message removed' : preview.excerpt;
  const jump = () => {
    if (features && message.replyTo && !features.scrollToMessage(message.replyTo)) {
      // Not loaded: nothing to scroll to; the quote itself is what we have.
    }
  };
  return (
    <button
      type="button"
      className={`reply-quote${preview.removed ? ' removed' : ''}`}
      onClick={jump}
      title="Show the original message"
      data-testid={TestIds.replyQuote}
      data-reply-to={message.replyTo}
    >
      <span className="reply-quote-sender" dir="auto" data-testid={TestIds.replyQuoteSender}>
        {name}
      </span>
      <span className="reply-quote-text" dir="auto" data-testid={TestIds.replyQuoteText}>
        {excerpt}
      </span>
    </button>
  );
}
