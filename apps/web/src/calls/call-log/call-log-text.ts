import type { CallLogBody } from '@parley/protocol';
import { formatCallDuration } from '../controls/controls-state';

/**
 * How a call reads in the conversation: "Call, 2:13" / "Video call, 0:45" when answered, "Missed call" for
 * the person who was called and "No answer" for the caller, "Declined call" / "Call declined" likewise.
 */
export function callLogText(
  call: Pick<CallLogBody, 'outcome' | 'durationSeconds' | 'video'>,
  ownCall: boolean,
): string {
  const kind = call.video ? 'Video call' : 'Call';
  switch (call.outcome) {
    case 'completed':
      return `${kind}, ${formatCallDuration(call.durationSeconds)}`;
    case 'missed':
      return ownCall ? 'No answer' : `Missed ${kind.toLowerCase()}`;
    case 'declined':
      return ownCall ? `${kind} declined` : `Declined ${kind.toLowerCase()}`;
  }
}
