import type { MessagePart } from '@parley/protocol';
import { messageCallLog } from '@parley/sdk';
import { useMessengerContext } from '../../app/messenger-context';
import { IconPhone, IconVideo } from '../../ui/icons';
import { CallControlIds } from '../controls/ids';
import { callLogText } from './call-log-text';

/**
 * A call in the conversation history ("Missed call", "Call, 2:13"), worded for the caller or the callee. The
 * message's sender placed the call; without it, the caller's number tells (a support call has none).
 */
export function CallLogEntry({ part, senderId }: { part: MessagePart; senderId?: string }) {
  const { messenger } = useMessengerContext();
  const call = messageCallLog({ parts: [part] });
  if (!call) return null;
  const own = senderId
    ? senderId === messenger.user.id
    : !!call.callerMsisdn && call.callerMsisdn === messenger.user.msisdn;
  return (
    <div
      className={`call-log call-log-${call.outcome}`}
      data-testid={CallControlIds.callLog}
      data-call-id={call.callId}
      data-outcome={call.outcome}
      data-duration={call.durationSeconds}
    >
      {call.video ? <IconVideo size={14} /> : <IconPhone size={14} />}
      <span>{callLogText(call, own)}</span>
    </div>
  );
}
