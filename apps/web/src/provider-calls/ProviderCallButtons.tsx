import { useState } from 'react';
import type { Conversation, ConversationSnapshot } from '@parley/sdk';
import { describeError } from '../app/errors';
import { useMessenger } from '../app/messenger-context';
import { IconVideo } from '../ui/icons';
import { useToast } from '../ui/toast';
import { ProviderCallIds } from './ids';
import { useProviderCalls } from './provider-calls-context';

/**
 * The conversation header's provider-call actions: "Start video call" posts a call card in the conversation
 * (through the deployment's default provider: the gateway does not list its providers, so there is nothing
 * to pick from), and in a direct conversation "Video call" rings the other person.
 */
export function ProviderCallButtons({
  conversation,
  snapshot,
}: {
  conversation: Conversation;
  snapshot: ConversationSnapshot;
}) {
  const messenger = useMessenger();
  const calls = useProviderCalls();
  const toast = useToast();
  const [starting, setStarting] = useState(false);
  if (!calls) return null;
  const busy = !!calls.state.call || calls.state.outgoing?.invite.status === 'inviting';
  const other =
    snapshot.type === 'direct'
      ? snapshot.participants.find((p) => p.userId !== messenger.user.id)
      : undefined;

  const start = async () => {
    setStarting(true);
    try {
      const call = await conversation.startCall({ media: 'video' });
      if (call.provider === 'parley') void calls.desk.host(conversation, call.id);
    } catch (err) {
      toast(`Could not start the call: ${describeError(err)}`);
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className="button button-sm button-ghost"
        onClick={() => void start()}
        disabled={starting || busy}
        title="Start a video call in this conversation"
        data-testid={ProviderCallIds.startVideoCallButton}
      >
        <IconVideo size={16} />
        <span className="hide-narrow">{starting ? 'Starting…' : 'Start video call'}</span>
      </button>
      {other && (
        <button
          type="button"
          className="button button-sm button-ghost"
          onClick={() => void calls.desk.invite(conversation, other.userId)}
          disabled={busy}
          title={`Ring ${other.displayName || other.username} for a video call`}
          data-testid={ProviderCallIds.videoInviteButton}
        >
          <IconVideo size={16} />
          <span className="hide-narrow">Video call</span>
        </button>
      )}
    </>
  );
}
