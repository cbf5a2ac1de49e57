import { IconPhone } from '../ui/icons';
import { SupportIds } from './ids';
import { RemoteAudio } from './RemoteAudio';
import type { SupportDesk, OperatorCall } from './support-desk';
import { useElapsed } from './use-elapsed';

/** The call the line rings this operator with: Accept / Decline, then the timer and Hang up. */
export function OperatorCallCard({ desk, call }: { desk: SupportDesk; call: OperatorCall }) {
  const elapsed = useElapsed(call.phase === 'connected' ? call.connectedAt : undefined);
  if (call.phase === 'incoming') {
    return (
      <div
        className="incoming-call operator-incoming"
        role="alertdialog"
        aria-label={`Incoming support call from ${call.callerName}`}
        data-testid={SupportIds.incoming}
        data-call-id={call.callId}
      >
        <div className="incoming-call-ring" aria-hidden="true">
          <IconPhone size={20} />
        </div>
        <div className="incoming-call-text">
          <strong>Incoming support call</strong>
          <span>{call.callerName}</span>
        </div>
        <div className="incoming-call-actions">
          <button
            type="button"
            className="button button-sm call-decline"
            onClick={() => desk.decline()}
            data-testid={SupportIds.decline}
          >
            Decline
          </button>
          <button
            type="button"
            className="button button-sm call-accept"
            onClick={() => void desk.accept()}
            data-testid={SupportIds.accept}
          >
            Accept
          </button>
        </div>
      </div>
    );
  }
  if (call.phase === 'ended') return null;
  const connection = desk.peerConnection()?.connectionState ?? 'new';
  const status =
    call.phase === 'answering'
      ? 'Answering…'
      : connection === 'connected'
        ? 'In call'
        : connection === 'failed'
          ? 'Connection failed'
          : 'Connecting audio…';
  return (
    <section
      className="operator-call"
      aria-label={`Support call with ${call.callerName}`}
      data-testid={SupportIds.operatorCall}
      data-state={call.phase}
      data-call-id={call.callId}
      data-connection={connection}
    >
      <div className="support-call-icon active" aria-hidden="true">
        <IconPhone size={18} />
      </div>
      <div className="support-call-text">
        <strong>{call.callerName}</strong>
        <span role="status">{status}</span>
      </div>
      {elapsed && (
        <span className="call-timer" data-testid={SupportIds.operatorTimer}>
          {elapsed}
        </span>
      )}
      <button
        type="button"
        className="button button-sm call-hangup"
        onClick={() => desk.hangUpOperator()}
        data-testid={SupportIds.operatorHangup}
      >
        Hang up
      </button>
      <RemoteAudio stream={call.remote} />
    </section>
  );
}
