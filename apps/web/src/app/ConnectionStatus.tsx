import type { Messenger } from '@parley/sdk';
import { useConnectionState } from './messenger-context';
import { TestIds } from './test-ids';

const LABELS = {
  online: { text: 'online', title: 'Connected: messages arrive live' },
  connecting: { text: 'connecting', title: 'Connecting to Parley…' },
  offline: { text: 'offline', title: 'Offline: showing saved messages; reconnecting automatically' },
} as const;

/** A small pill: online / connecting / offline ('closed' counts as offline). */
export function ConnectionStatus({ messenger }: { messenger: Messenger }) {
  const state = useConnectionState(messenger);
  const shown = state === 'closed' ? 'offline' : state;
  const label = LABELS[shown];
  return (
    <span
      className={`status status-${shown}`}
      data-testid={TestIds.connectionStatus}
      data-state={shown}
      title={label.title}
      role="status"
      aria-live="polite"
    >
      <span className="status-dot" aria-hidden="true" />
      {label.text}
    </span>
  );
}
