import { formatCallDuration } from '../calls/controls/controls-state';
import { IconPhone, IconX } from '../ui/icons';
import type { CustomerPhase } from './call-phase';
import { SupportIds } from './ids';
import { RemoteAudio } from './RemoteAudio';
import { useSupport } from './support-context';
import type { CustomerCall } from './support-desk';
import { useElapsed } from './use-elapsed';

const STATUS: Record<CustomerPhase, string> = {
  preparing: 'Connecting…',
  ringing: 'Calling support…',
  connected: 'Connected to support',
  busy: 'Support is busy — we’ll call you back',
  ended: 'Call ended',
};

function endedText(call: CustomerCall): string {
  if (call.error) return call.error;
  return call.durationSeconds ? `Call ended · ${formatCallDuration(call.durationSeconds)}` : STATUS.ended;
}

/** The customer's call to support, in the corner above everything: status, timer, Hang up. */
export function SupportCallPanel() {
  const support = useSupport();
  const call = support?.state.customerCall;
  const elapsed = useElapsed(call?.phase === 'connected' ? call.connectedAt : undefined);
  if (!support || !call) return null;
  const { desk } = support;
  const live = call.phase !== 'busy' && call.phase !== 'ended';
  const connection = desk.peerConnection()?.connectionState ?? 'closed';
  const status =
    call.phase === 'ended'
      ? endedText(call)
      : call.phase === 'connected' && connection !== 'connected'
        ? connection === 'failed'
          ? 'Connection failed'
          : 'Connecting audio…'
        : STATUS[call.phase];
  return (
    <section
      className={`support-call support-call-${call.phase}`}
      aria-label="Call with support"
      data-testid={SupportIds.call}
      data-state={call.phase}
      data-call-id={call.callId}
      data-connection={connection}
    >
      <div className={`support-call-icon${call.phase === 'ringing' ? ' ringing' : ''}`} aria-hidden="true">
        <IconPhone size={18} />
      </div>
      <div className="support-call-text">
        <strong>Support</strong>
        <span
          role="status"
          data-testid={call.phase === 'busy' ? SupportIds.busy : SupportIds.callStatus}
          className={call.phase === 'busy' ? 'support-busy' : undefined}
        >
          {status}
        </span>
      </div>
      {elapsed && (
        <span className="call-timer" data-testid={SupportIds.callTimer}>
          {elapsed}
        </span>
      )}
      {live ? (
        <button
          type="button"
          className="button button-sm call-hangup"
          onClick={() => desk.hangUpCustomer()}
          data-testid={SupportIds.hangup}
        >
          {call.phase === 'connected' ? 'Hang up' : 'Cancel'}
        </button>
      ) : (
        <button
          type="button"
          className="icon-button icon-button-sm"
          aria-label="Dismiss"
          onClick={() => desk.dismissCustomerCall()}
          data-testid={SupportIds.dismiss}
        >
          <IconX size={14} />
        </button>
      )}
      {live && <RemoteAudio stream={call.remote} />}
    </section>
  );
}
