import type { Messenger } from '@parley/sdk';
import { TestIds } from '../app/test-ids';
import { describePresence } from './last-seen';
import { usePresence } from './use-presence';
import './presence.css';

/** A dot on an avatar: green online, amber away, none offline (the state is also on data-status). */
export function PresenceDot({ messenger, userId }: { messenger: Messenger; userId: string }) {
  const presence = usePresence(messenger, userId);
  return (
    <span
      className={`presence-dot presence-${presence.status}`}
      data-testid={TestIds.presenceDot}
      data-user-id={userId}
      data-status={presence.status}
      title={describePresence(presence)}
      aria-label={presence.status}
      role="img"
    />
  );
}

/** "online" / "away" / "last seen …" under the title of a direct conversation. */
export function PresenceLine({ messenger, userId }: { messenger: Messenger; userId: string }) {
  const presence = usePresence(messenger, userId);
  return (
    <span
      className={`chat-presence presence-text-${presence.status}`}
      data-testid={TestIds.chatPresence}
      data-status={presence.status}
    >
      {describePresence(presence)}
    </span>
  );
}
