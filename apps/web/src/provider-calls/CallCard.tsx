import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { CallLink } from '@parley/sdk';
import { useMessenger } from '../app/messenger-context';
import { participantName } from '../conversations/conversation-info';
import { IconPhone, IconVideo } from '../ui/icons';
import { callCardStatus, providerLabel } from './call-card-text';
import { ProviderCallIds } from './ids';
import { useProviderCalls } from './provider-calls-context';

/**
 * A call card bound to the SDK's CallLink: the voip-link message's status, participants and duration,
 * re-rendered on each `changed` (the gateway edits the message as the provider reports the call).
 */
export function CallCard({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const messenger = useMessenger();
  const calls = useProviderCalls();
  const conversation = messenger.conversation(conversationId);
  const [link, setLink] = useState<CallLink>();

  useEffect(() => {
    const made = conversation?.callLink(messageId);
    setLink(made);
    return () => made?.dispose();
  }, [conversation, messageId]);

  const subscribe = useCallback(
    (onChange: () => void) => link?.on('changed', onChange) ?? (() => undefined),
    [link],
  );
  const body = useSyncExternalStore(subscribe, () => link?.snapshot());
  if (!conversation || !link || !body) return null;

  const snapshot = conversation.snapshot();
  // Everyone by name, this user too: "Active · Ann and Ben" reads the same on every device.
  const nameOf = (id: string) => participantName(snapshot, id);
  const over = body.status === 'ended' || body.status === 'missed';
  const inThisCall = calls?.state.call?.gatewayCallId === body.gatewayCallId;
  const external = calls?.state.external.find((e) => e.gatewayCallId === body.gatewayCallId);
  const canJoin = !!calls && !!body.gatewayCallId && !over && !inThisCall;
  const media = body.media === 'audio' ? 'audio' : 'video';

  return (
    <div
      className={`call-card provider-call-card${over ? ' ended' : ''}${body.status === 'started' ? ' active' : ''}`}
      data-testid={ProviderCallIds.callCard}
      data-status={body.status}
      data-provider={body.provider}
      data-gateway-call-id={body.gatewayCallId}
      data-participants={(body.participants ?? []).join(',')}
    >
      <span className="call-icon" aria-hidden="true">
        {media === 'audio' ? <IconPhone /> : <IconVideo />}
      </span>
      <span className="call-text">
        <span className="call-title">
          {media === 'audio' ? 'Voice call' : 'Video call'}
          <span className="call-provider" data-testid={ProviderCallIds.callCardProvider}>
            {providerLabel(body.provider)}
          </span>
        </span>
        <span className="call-subtitle" data-testid={ProviderCallIds.callCardStatus} aria-live="polite">
          {callCardStatus(body, nameOf)}
        </span>
        {external && !over && (
          <span className="call-room" data-testid={ProviderCallIds.callCardRoom}>
            Room <code>{external.room}</code>: the {providerLabel(external.provider)} app joins it with your
            access token.
          </span>
        )}
      </span>
      {canJoin && (
        <button
          type="button"
          className="button button-sm button-primary"
          onClick={() => void calls.desk.join(conversation, messageId)}
          data-testid={ProviderCallIds.callCardJoin}
        >
          Join
        </button>
      )}
    </div>
  );
}
