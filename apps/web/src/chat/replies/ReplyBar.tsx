import { messageText, type MessageSnapshot } from '@parley/sdk';
import { TestIds } from '../../app/test-ids';
import { senderName } from '../../conversations/conversation-info';
import { useMessageFeatures } from '../message-features';

/** Above the composer while replying: what the next message answers, with a way out (Esc works too). */
export function ReplyBar({ message }: { message: MessageSnapshot }) {
  const features = useMessageFeatures();
  if (!features) return null;
  const text = messageText(message).replace(/\s+/g, ' ').trim() || message.parts[0]?.name || 'a message';
  return (
    <div className="reply-bar" data-testid={TestIds.replyBar} data-reply-to={message.id}>
      <span className="reply-bar-label">
        Replying to{' '}
        <strong dir="auto">
          {message.senderId === features.myId ? 'yourself' : senderName(features.snapshot, message.senderId)}
        </strong>
      </span>
      <span className="reply-bar-text" dir="auto">
        {text.length > 120 ? `${text.slice(0, 119)}…` : text}
      </span>
      <button
        type="button"
        className="icon-button icon-button-sm"
        onClick={features.cancelReply}
        aria-label="Cancel reply"
        title="Cancel reply (Esc)"
        data-testid={TestIds.replyCancel}
      >
        ×
      </button>
    </div>
  );
}
