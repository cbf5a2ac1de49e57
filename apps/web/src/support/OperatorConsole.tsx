import { IconPhone, IconX } from '../ui/icons';
import { formatFull, formatListStamp } from '../ui/format';
import { callRecordText } from './call-record-text';
import { SupportIds } from './ids';
import { OperatorCallCard } from './OperatorCallCard';
import { useSupport } from './support-context';

/** The operator's console: availability, the call ringing or in progress, and the support call history. */
export function OperatorConsole({ onClose }: { onClose: () => void }) {
  const support = useSupport();
  if (!support || support.state.role !== 'operator') return null;
  const { desk, state } = support;
  const available = !!state.operator?.available;
  const call = state.operatorCall;
  return (
    <section className="operator-console" data-testid={SupportIds.console} aria-label="Support console">
      <header className="chat-header operator-console-header">
        <div className="support-call-icon active" aria-hidden="true">
          <IconPhone size={18} />
        </div>
        <div className="chat-heading">
          <h1 className="chat-title">Support console</h1>
          <p className="chat-subtitle">
            {call?.phase === 'connected' || state.operator?.inCall
              ? 'In a call'
              : available
                ? 'Customers can reach you'
                : 'Calls do not ring here'}
          </p>
        </div>
        <button
          type="button"
          className={`availability-switch${available ? ' on' : ''}`}
          aria-pressed={available}
          onClick={() => void desk.setAvailable(!available)}
          data-testid={SupportIds.availability}
          data-available={String(available)}
        >
          <span className="availability-knob" aria-hidden="true" />
          {available ? 'Available' : 'Unavailable'}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the console"
          title="Close the console"
          onClick={onClose}
        >
          <IconX />
        </button>
      </header>

      <div className="operator-console-body">
        {state.error && (
          <p className="support-error" role="alert" data-testid={SupportIds.error}>
            {state.error}
          </p>
        )}

        <div className="operator-current">
          {call ? (
            <OperatorCallCard desk={desk} call={call} />
          ) : (
            <p className="muted operator-idle" data-testid={SupportIds.idle}>
              {available
                ? 'Waiting for calls. A customer’s call rings here when you are the longest idle.'
                : 'You are unavailable: switch to Available to take calls.'}
            </p>
          )}
        </div>

        <div className="operator-history-header">
          <h2>Recent support calls</h2>
          <button
            type="button"
            className="button button-sm button-ghost"
            onClick={() => void desk.refreshHistory()}
            data-testid={SupportIds.historyRefresh}
          >
            Refresh
          </button>
        </div>
        {state.historyError && (
          <p className="support-error" role="alert">
            {state.historyError}
          </p>
        )}
        {state.history.length === 0 ? (
          <p className="muted" data-testid={SupportIds.historyEmpty}>
            No support calls yet.
          </p>
        ) : (
          <ul className="operator-history" data-testid={SupportIds.history}>
            {state.history.map((record) => (
              <li
                key={record.callId}
                className={`operator-history-item outcome-${record.endReason ?? record.state}`}
                data-testid={SupportIds.historyItem}
                data-call-id={record.callId}
                data-state={record.state}
                data-end-reason={record.endReason ?? ''}
                data-duration={record.durationSeconds ?? ''}
                data-answered={String(record.answeredAt !== null)}
              >
                <time dateTime={record.startedAt} title={formatFull(record.startedAt)}>
                  {formatListStamp(record.startedAt)}
                </time>
                <span className="operator-history-outcome">{callRecordText(record)}</span>
                <span className="muted small">
                  {record.attempts.length === 1
                    ? '1 operator rung'
                    : `${record.attempts.length} operators rung`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
