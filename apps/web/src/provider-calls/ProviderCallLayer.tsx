import { useEffect, useRef } from 'react';
import { useMessenger } from '../app/messenger-context';
import { participantName } from '../conversations/conversation-info';
import { startRingtone } from '../notifications/sounds';
import { IconVideo } from '../ui/icons';
import { useToast } from '../ui/toast';
import { inviteStatusText, providerLabel } from './call-card-text';
import { ProviderCallIds } from './ids';
import type { InAppCall } from './provider-call-desk';
import { useProviderCalls } from './provider-calls-context';
import './provider-calls.css';

function StreamVideo({
  stream,
  muted,
  label,
}: {
  stream: MediaStream | undefined;
  muted?: boolean;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream ?? null;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

const PHASE_TEXT: Record<InAppCall['phase'], string> = {
  ringing: 'Ringing…',
  joining: 'Joining…',
  waiting: 'Waiting for the others…',
  connecting: 'Connecting…',
  connected: 'In call',
  ended: 'Call ended',
};

/** Video invites and the in-app call, in the corner wherever the user is. */
export function ProviderCallLayer() {
  const messenger = useMessenger();
  const calls = useProviderCalls();
  const toast = useToast();
  const ringing = calls?.state.incoming?.inviteId;
  useEffect(() => (ringing ? startRingtone() : undefined), [ringing]);
  const error = calls?.state.error;
  useEffect(() => {
    if (error) toast(error);
  }, [error, toast]);
  if (!calls) return null;
  const { desk, state } = calls;
  const { incoming, outgoing } = state;
  // While the invite rings, its own panel says so.
  const call = state.call?.phase === 'ringing' ? undefined : state.call;
  if (!call && !incoming && !outgoing) return null;

  const nameIn = (cid: string, userId: string) => {
    const conversation = messenger.conversation(cid);
    return conversation ? participantName(conversation.snapshot(), userId) : 'Someone';
  };
  const connection = call?.peers.some((p) => p.connection === 'connected')
    ? 'connected'
    : (call?.peers[0]?.connection ?? 'new');

  return (
    <div className="call-layer provider-call-layer">
      {incoming && (
        <section
          className="provider-call-panel"
          data-testid={ProviderCallIds.videoInviteIncoming}
          data-invite-id={incoming.inviteId}
          data-caller-id={incoming.callerId}
          aria-label="Incoming video call"
        >
          <p className="provider-call-title">
            <IconVideo size={16} /> {nameIn(incoming.cid, incoming.callerId)} is video calling
          </p>
          <p className="muted small">{providerLabel(incoming.provider)}</p>
          <div className="provider-call-actions">
            <button
              type="button"
              className="button button-sm call-accept"
              onClick={() => void desk.acceptInvite()}
              data-testid={ProviderCallIds.videoInviteAccept}
            >
              Accept
            </button>
            <button
              type="button"
              className="button button-sm call-decline"
              onClick={() => void desk.declineInvite()}
              data-testid={ProviderCallIds.videoInviteDecline}
            >
              Decline
            </button>
          </div>
        </section>
      )}
      {outgoing && (
        <section
          className="provider-call-panel"
          data-testid={ProviderCallIds.videoInviteOutgoing}
          data-status={outgoing.invite.status}
          data-invite-id={outgoing.invite.id}
          aria-label="Video call"
        >
          <p className="provider-call-title">
            <IconVideo size={16} /> Video call to{' '}
            {nameIn(outgoing.invite.call.conversationId, outgoing.invite.calleeId)}
          </p>
          <p data-testid={ProviderCallIds.videoInviteTries} aria-live="polite">
            {inviteStatusText(outgoing.invite)}
          </p>
          {outgoing.invite.status !== 'inviting' && (
            <button
              type="button"
              className="button button-sm"
              onClick={() => desk.dismissOutgoing()}
              data-testid={ProviderCallIds.videoInviteDismiss}
            >
              Close
            </button>
          )}
        </section>
      )}
      {call && (
        <section
          className="provider-call-panel in-app-call"
          data-testid={ProviderCallIds.inAppCall}
          data-state={call.phase}
          data-role={call.role}
          data-gateway-call-id={call.gatewayCallId}
          data-connection={connection}
          aria-label="Video call"
        >
          <p className="provider-call-title">{PHASE_TEXT[call.phase]}</p>
          <div className="in-app-videos">
            {call.peers.map((peer) => (
              <StreamVideo key={peer.userId} stream={peer.remote} label={nameIn(call.cid, peer.userId)} />
            ))}
            <StreamVideo stream={call.local} muted label="You" />
          </div>
          <button
            type="button"
            className="button button-sm call-decline"
            onClick={() => void desk.hangUp()}
            data-testid={ProviderCallIds.inAppCallHangup}
          >
            Hang up
          </button>
        </section>
      )}
    </div>
  );
}
