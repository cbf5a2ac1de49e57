import type { VoiceCallRecord } from '@parley/protocol';
import { formatCallDuration } from '../calls/controls/controls-state';

const END_REASON_TEXT: Record<NonNullable<VoiceCallRecord['endReason']>, string> = {
  completed: 'Answered',
  declined: 'Declined',
  busy: 'Nobody free',
  'no-answer': 'No answer',
  failed: 'Failed',
  'caller-cancelled': 'Caller hung up',
};

/** How a call detail record reads in the operator console: "Answered · 2:13", "No answer", "In progress". */
export function callRecordText(
  record: Pick<VoiceCallRecord, 'state' | 'endReason' | 'durationSeconds'>,
): string {
  if (record.state === 'ringing') return 'Ringing';
  if (record.state === 'active') return 'In progress';
  const reason = record.endReason ? END_REASON_TEXT[record.endReason] : 'Ended';
  return record.durationSeconds ? `${reason} · ${formatCallDuration(record.durationSeconds)}` : reason;
}
