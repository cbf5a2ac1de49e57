// The probe a benchmark message carries in its text, shared by the sender and the device workers.

export { epochMs } from '../lib/time.mjs';

const PROBE_MARK = 'probe:';

/** The text of a probe message: `probe:<phase>:<index>:<sentAt>`. */
export const probeText = (phase, index, sentAt) => `${PROBE_MARK}${phase}:${index}:${sentAt.toFixed(3)}`;

/**
 * Finds the probe in a received frame without parsing the whole frame: the message text is the only place
 * the mark occurs in a `message.sent` frame; other frames are ignored. Undefined when there is none.
 */
export function readProbe(raw) {
  const at = raw.indexOf(PROBE_MARK);
  if (at < 0 || !raw.includes('"message.sent"')) return undefined;
  const end = raw.indexOf('"', at);
  const [phase, index, sentAt] = raw.slice(at + PROBE_MARK.length, end < 0 ? undefined : end).split(':');
  // The event's own fields come first in the frame, before its payload's message repeats them.
  const conversationId = /"conversationId":"([^"]+)"/.exec(raw)?.[1];
  const seq = Number(/"seq":(\d+)/.exec(raw)?.[1]);
  return { phase: Number(phase), index: Number(index), sentAt: Number(sentAt), conversationId, seq };
}
