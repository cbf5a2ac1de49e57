import { useState } from 'react';
import type { Conversation, ConversationSnapshot } from '@parley/sdk';
import { describeError } from '../app/errors';
import { TestIds } from '../app/test-ids';
import { useToast } from '../ui/toast';
import { IconBellOff, IconPin } from './settings-icons';

/** Pin / mute toggles for the open conversation: this user's own settings, on all their devices. */
export function ConversationSettingsButtons({
  conversation,
  snapshot,
}: {
  conversation: Conversation;
  snapshot: ConversationSnapshot;
}) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<void>, what: string) => {
    setBusy(true);
    try {
      await change();
    } catch (err) {
      toast(`Could not ${what}: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={`icon-button${snapshot.pinned ? ' active' : ''}`}
        onClick={() => void run(() => conversation.setPinned(!snapshot.pinned), 'pin')}
        disabled={busy}
        aria-pressed={snapshot.pinned}
        aria-label={snapshot.pinned ? 'Unpin conversation' : 'Pin conversation'}
        title={snapshot.pinned ? 'Unpin' : 'Pin to the top'}
        data-testid={TestIds.pinConversationButton}
      >
        <IconPin />
      </button>
      <button
        type="button"
        className={`icon-button${snapshot.muted ? ' active' : ''}`}
        onClick={() => void run(() => conversation.setMuted(!snapshot.muted), 'mute')}
        disabled={busy}
        aria-pressed={snapshot.muted}
        aria-label={snapshot.muted ? 'Unmute conversation' : 'Mute conversation'}
        title={snapshot.muted ? 'Unmute' : 'Mute notifications'}
        data-testid={TestIds.muteConversationButton}
      >
        <IconBellOff />
      </button>
    </>
  );
}

/** Small pin / muted marks for a row of the conversation list. */
export function ConversationFlags({ pinned, muted }: { pinned: boolean; muted: boolean }) {
  if (!pinned && !muted) return null;
  return (
    <span className="conversation-flags">
      {pinned && (
        <span data-testid={TestIds.pinnedIcon} title="Pinned" aria-label="pinned" role="img">
          <IconPin size={14} />
        </span>
      )}
      {muted && (
        <span data-testid={TestIds.mutedIcon} title="Muted" aria-label="muted" role="img">
          <IconBellOff size={14} />
        </span>
      )}
    </span>
  );
}
