import { useEffect, useRef, useState } from 'react';
import type { Call } from '@parley/sdk';
import { describeError } from '../app/errors';
import { useMessengerContext, useMessengerRevision } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { IconPhone, IconVideo, IconX } from '../ui/icons';
import { useToast } from '../ui/toast';
import { useCalls } from './calls-context';
import { useCallableContacts } from './contacts';
import { CallControls } from './controls/CallControls';
import { formatCallDuration } from './controls/controls-state';
import { CallControlIds } from './controls/ids';

const END_TEXT: Record<string, string> = {
  hangup: 'Call ended',
  rejected: 'Call declined',
  cancelled: 'Call cancelled',
  answered_elsewhere: 'Answered on another device',
  moved: 'Call moved to another device',
  moved_to_phone: 'Call moved to your phone',
  callee_offline: 'Not reachable right now',
  busy: 'Busy',
  no_answer: 'No answer',
  connection_lost: 'Connection lost',
  media_error: 'Camera or microphone problem',
  self_call: 'You cannot call yourself',
  invalid_msisdn: 'Not a valid number',
  sdp_too_large: 'The call could not be set up (SDP too large)',
  try_again: 'The call was busy; try again in a moment',
  invalid_call_id: 'That call no longer exists',
  not_incall: 'That call is not on this device',
  rate_limit_hit: 'Too many call actions; slow down a little',
};

const STATE_TEXT: Record<string, string> = {
  dialing: 'Calling…',
  ringing: 'Ringing…',
  active: 'In call',
  ended: 'Ended',
};

export function endText(reason: string | undefined, direction?: Call['direction']): string {
  // A pull Offer for a call that ended meanwhile is refused as a new call without a number.
  if (direction === 'pulled' && (reason === 'invalid_msisdn' || reason === 'invalid_call_id'))
    return 'That call has already ended';
  return (reason && END_TEXT[reason]) ?? `Call ended${reason ? ` (${reason.replace(/_/g, ' ')})` : ''}`;
}

function Video({
  stream,
  muted,
  testId,
  label,
}: {
  stream?: MediaStream;
  muted?: boolean;
  testId: string;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  // A track added to or swapped in the same stream (a screen share, another camera): attach it again.
  const tracks = stream
    ?.getTracks()
    .map((t) => t.id)
    .join(',');
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== (stream ?? null)) el.srcObject = stream ?? null;
    else if (stream) {
      el.srcObject = null;
      el.srcObject = stream;
    }
    if (stream) void el.play().catch(() => undefined); // autoplay may wait for a gesture
  }, [stream, tracks]);
  return (
    <video
      ref={ref}
      className={testId === TestIds.localVideo ? 'call-video-local' : 'call-video-remote'}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
      data-testid={testId}
    />
  );
}

function useElapsed(since: number | undefined): string {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (!since) return '';
  return formatCallDuration((Date.now() - since) / 1000);
}

/** "Ben Example" for a number of someone from the user's conversations. */
type NameOf = (msisdn: string | undefined) => string | undefined;

function IncomingCall({ call, nameOf }: { call: Call; nameOf: NameOf }) {
  const toast = useToast();
  const [answering, setAnswering] = useState(false);
  const answer = () => {
    setAnswering(true);
    call.answer().catch((err: unknown) => {
      toast(`Could not answer: ${describeError(err)}`);
      setAnswering(false);
    });
  };
  return (
    <div
      className="incoming-call"
      role="alertdialog"
      aria-label={`Incoming call from ${call.from ?? 'unknown number'}`}
      data-testid={TestIds.incomingCall}
      data-call-id={call.id}
      data-from={call.from ?? ''}
    >
      <div className="incoming-call-ring" aria-hidden="true">
        {call.video ? <IconVideo size={20} /> : <IconPhone size={20} />}
      </div>
      <div className="incoming-call-text">
        <strong>
          Incoming {call.video ? 'video ' : ''}call{nameOf(call.from) ? ` from ${nameOf(call.from)}` : ''}
        </strong>
        <span data-testid={TestIds.incomingCaller}>{call.from ?? 'Unknown number'}</span>
      </div>
      <div className="incoming-call-actions">
        <button
          type="button"
          className="button button-sm call-decline"
          onClick={() => call.reject()}
          disabled={answering}
          data-testid={TestIds.declineCall}
        >
          Decline
        </button>
        <button
          type="button"
          className="button button-sm call-accept"
          onClick={answer}
          disabled={answering}
          data-testid={TestIds.acceptCall}
        >
          {answering ? 'Answering…' : 'Accept'}
        </button>
      </div>
    </div>
  );
}

function InCall({ call, nameOf }: { call: Call; nameOf: NameOf }) {
  const toast = useToast();
  const windowRef = useRef<HTMLElement>(null);
  const elapsed = useElapsed(call.state === 'active' ? call.answeredAt : undefined);
  const name = nameOf(call.remote);
  const remote =
    call.direction === 'pulled'
      ? 'Call from another device'
      : name
        ? `${name} (${call.remote})`
        : (call.remote ?? 'Unknown number');
  const connection = call.connectionState;
  const status =
    call.state === 'active' && connection !== 'connected' && connection !== 'new'
      ? connection === 'failed'
        ? 'Media failed'
        : 'Connecting media…'
      : STATE_TEXT[call.state];
  return (
    <section
      className="call-window"
      ref={windowRef}
      aria-label={`Call with ${remote}`}
      data-testid={TestIds.inCall}
      data-call-id={call.id}
      data-direction={call.direction}
    >
      <div className="call-stage">
        <Video stream={call.remoteStream} testId={TestIds.remoteVideo} label="Other party's video" />
        {!call.remoteStream && <div className="call-stage-placeholder">{remote}</div>}
        <Video stream={call.localStream} muted testId={TestIds.localVideo} label="Your camera" />
      </div>
      <div className="call-info">
        <span className="call-remote" data-testid={TestIds.callRemote}>
          {remote}
        </span>
        <span
          className={`call-state call-state-${call.state}`}
          data-testid={TestIds.callState}
          data-state={call.state}
          data-connection={connection}
          role="status"
        >
          {status}
        </span>
        {elapsed && (
          <span className="call-timer" data-testid={CallControlIds.timer}>
            {elapsed}
          </span>
        )}
      </div>
      <CallControls call={call} stage={windowRef} />
      <div className="call-controls">
        {call.state === 'active' && (
          <button
            type="button"
            className="button button-sm"
            disabled={call.movingToPhone}
            onClick={() => {
              try {
                call.toPhone();
              } catch (err) {
                toast(`Could not move the call: ${describeError(err)}`);
              }
            }}
            data-testid={TestIds.toPhoneButton}
          >
            <IconPhone size={14} />
            {call.movingToPhone ? 'Moving to phone…' : 'Move to phone'}
          </button>
        )}
        <button
          type="button"
          className="button button-sm call-hangup"
          onClick={() => call.hangup()}
          data-testid={TestIds.hangupButton}
        >
          {call.state === 'active' ? 'Hang up' : 'Cancel'}
        </button>
      </div>
    </section>
  );
}

/** Incoming calls, the call window and the "call ended" note, above everything else. */
export function CallWindow() {
  const { ringing, inCall, ended, dismissEnded } = useCalls();
  const { messenger } = useMessengerContext();
  const revision = useMessengerRevision(messenger);
  const contacts = useCallableContacts(messenger, revision);
  const nameOf: NameOf = (msisdn) => contacts.find((c) => c.msisdn === msisdn)?.displayName;
  if (ringing.length === 0 && inCall.length === 0 && !ended) return null;
  return (
    <div className="call-layer">
      {ringing.map((call) => (
        <IncomingCall key={call.id} call={call} nameOf={nameOf} />
      ))}
      {inCall.map((call) => (
        <InCall key={`${call.id}:${call.direction}`} call={call} nameOf={nameOf} />
      ))}
      {inCall.length === 0 && ended && (
        <div
          className="call-ended"
          role="status"
          data-testid={TestIds.callEnded}
          data-reason={ended.endReason ?? ''}
          data-call-id={ended.id}
        >
          <span>{endText(ended.endReason, ended.direction)}</span>
          <button
            type="button"
            className="icon-button icon-button-sm"
            aria-label="Dismiss"
            onClick={dismissEnded}
            data-testid={TestIds.callEndedDismiss}
          >
            <IconX size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
