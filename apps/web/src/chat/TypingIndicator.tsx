import type { ConversationSnapshot, Messenger } from '@parley/sdk';
import { useTypingUsers } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { firstName, senderName } from '../conversations/conversation-info';
import { isolate, joinNames } from '../ui/format';

/** "Bob is typing…", "Bob and Carol are typing…", "Several people are typing…"; gone a few seconds after the last signal. */
export function TypingIndicator({
  messenger,
  conversation,
}: {
  messenger: Messenger;
  conversation: ConversationSnapshot;
}) {
  const userIds = useTypingUsers(messenger, conversation.id);
  const names = userIds.map((id) => firstName(senderName(conversation, id)));
  let text = '';
  if (names.length === 1) text = `${isolate(names[0]!)} is typing…`;
  else if (names.length > 1 && names.length <= 3) text = `${joinNames(names)} are typing…`;
  else if (names.length > 3) text = 'Several people are typing…';

  return (
    <div className="typing-slot" aria-live="polite">
      {text && (
        <div className="typing-indicator" data-testid={TestIds.typingIndicator}>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </div>
      )}
    </div>
  );
}
