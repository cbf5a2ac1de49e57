import { replyExcerpt, type ReplyPreview } from '@parley/protocol';
import type { MessageSnapshot, OutgoingMessage } from '@parley/sdk';
import { TestIds } from '../../app/test-ids';
import { senderName } from '../../conversations/conversation-info';
import { useMessageFeatures } from '../message-features';

function Quote({ replyTo, preview }: { replyTo: string; preview: ReplyPreview }) {
  const features = useMessageFeatures();
  const name = features ? senderName(features.snapshot, preview.senderId) : '';
  return (
    <button
      type="button"
      className={`reply-quote${preview.removed ? ' removed' : ''}`}
      // Nothing to scroll to when the original is not loaded: the quote is all there is.
      onClick={() => features?.scrollToMessage(replyTo)}
      title="Show the original message"
      data-testid={TestIds.replyQuote}
      data-reply-to={replyTo}
    >
      <span className="reply-quote-sender" dir="auto" data-testid={TestIds.replyQuoteSender}>
        {name}
      </span>
      <span className="reply-quote-text" dir="auto" data-testid={TestIds.replyQuoteText}>
        {preview.removed ? 'message removed' : preview.excerpt}
      </span>
    </button>
  );
}

/** The quote above a reply's bubble: who wrote the original and how it began; a click scrolls to it. */
export function ReplyQuote({ message }: { message: MessageSnapshot }) {
  if (!message.replyTo || !message.replyPreview || message.removedAt) return null;
  return <Quote replyTo={message.replyTo} preview={message.replyPreview} />;
}

/** The same quote on a reply still in the outbox, made from the loaded original (none if it is not loaded). */
export function OutgoingReplyQuote({ message }: { message: Readonly<OutgoingMessage> }) {
  const features = useMessageFeatures();
  const original = message.replyTo
    ? features?.snapshot.messages.find((m) => m.id === message.replyTo)
    : undefined;
  if (!message.replyTo || !original) return null;
  const preview = {
    senderId: original.senderId,
    excerpt: original.removedAt ? '' : replyExcerpt(original.parts),
    removed: original.removedAt !== null,
  };
  return <Quote replyTo={message.replyTo} preview={preview} />;
}
