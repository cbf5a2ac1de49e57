import { useState } from 'react';
import type { Conversation, ConversationSnapshot } from '@parley/sdk';
import { describeError } from '../app/errors';
import { useMessenger } from '../app/messenger-context';
import { IconVideo } from '../ui/icons';
import { useToast } from '../ui/toast';
import { providerLabel } from './call-card-text';
import { ProviderCallIds } from './ids';
import { useProviderCalls } from './provider-calls-context';

/**
 * The conversation header's provider-call actions: "Start video call" posts a call card in the conversation
 * (through the provider picked, when the deployment offers several), and in a direct conversation "Video
 * call" rings the other person.
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
  const [picked, setPicked] = useState<string>();
  if (!calls) return null;
  const provider = picked ?? calls.providers[0];
  const busy = !!calls.state.call || calls.state.outgoing?.invite.status === 'inviting';
  const other =
    snapshot.type === 'direct'
      ? snapshot.participants.find((p) => p.userId !== messenger.user.id)
      : undefined;

  const start = async () => {
    setStarting(true);
    try {
      const call = await conversation.startCall(provider ? { provider, media: 'video' } : { media: 'video' });
      if (call.provider === 'parley') void calls.desk.host(conversation, call.id);
    } catch (err) {
      toast(`Could not start the call: ${describeError(err)}`);
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      {calls.providers.length > 1 && (
        <select
          className="provider-picker"
          value={provider}
          onChange={(e) => setPicked(e.target.value)}
          aria-label="Call provider"
          data-testid={ProviderCallIds.providerPicker}
        >
          {calls.providers.map((name) => (
            <option key={name} value={name}>
              {providerLabel(name)}
            </option>
          ))}
        </select>
      )}
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
          onClick={() => void calls.desk.invite(conversation, other.userId, provider)}
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
