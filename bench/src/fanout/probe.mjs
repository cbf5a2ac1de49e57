// The message every variant delivers, and the latency histogram the load workers fill. Shared by the
// benchmark process and its workers, so both sides agree on the format.

export { epochMs } from '../lib/time.mjs';

const PROBE_MARK = 'fanout:';

/** The text a probe carries: `fanout:<phase>:<index>:<sentAt>`. */
export const probeText = (phase, index, sentAt) => `${PROBE_MARK}${phase}:${index}:${sentAt.toFixed(3)}`;

/**
 * Finds the probe in a received frame without parsing the whole frame: every variant's frame is JSON
 * whose only occurrence of the mark is the probe text. Returns undefined when there is no probe.
 */
export function readProbe(raw) {
  const at = raw.indexOf(PROBE_MARK);
  if (at < 0) return undefined;
  const end = raw.indexOf('"', at);
  const [phase, index, sentAt] = raw.slice(at + PROBE_MARK.length, end < 0 ? undefined : end).split(':');
  return { phase: Number(phase), index: Number(index), sentAt: Number(sentAt) };
}

/**
 * The ceiling and the peer deliver a frame of the same shape and about the same size as Parley's
 * `message.sent` frame, so every variant writes and the workers read the same number of bytes.
 */
export function eventFrame(conversationId, seq, text) {
  return JSON.stringify({
    type: 'event',
    event: {
      id: '00000000-0000-4000-8000-000000000000',
      conversationId,
      seq,
      type: 'message.sent',
      createdAt: new Date().toISOString(),
      actor: { userId: '00000000-0000-4000-8000-000000000001', kind: 'user' },
      payload: {
        message: {
          id: '00000000-0000-4000-8000-000000000002',
          conversationId,
          seq,
          senderId: '00000000-0000-4000-8000-000000000001',
          clientMessageId: `fanout-${seq}`,
          parts: [{ mimeType: 'text/plain', body: text }],
          createdAt: new Date().toISOString(),
        },
      },
    },
  });
}

// Latency histogram: 0.05 ms buckets below 100 ms, then 1 ms buckets up to 60 s. Workers send it as a
// sparse object (bucket -> count); percentiles are read as the bucket's upper edge.
const FINE_MS = 100;
const FINE_STEP = 0.05;
const FINE_BUCKETS = FINE_MS / FINE_STEP;
const MAX_MS = 60_000;

export function bucketOf(ms) {
  const clamped = Math.min(Math.max(ms, 0), MAX_MS);
  return clamped < FINE_MS ? Math.floor(clamped / FINE_STEP) : FINE_BUCKETS + Math.floor(clamped - FINE_MS);
}

const upperEdge = (bucket) =>
  bucket < FINE_BUCKETS ? (bucket + 1) * FINE_STEP : FINE_MS + (bucket - FINE_BUCKETS) + 1;

/** Adds `from` (sparse bucket -> count) into `into`. */
export function mergeHistogram(into, from) {
  for (const [bucket, count] of Object.entries(from)) into[bucket] = (into[bucket] ?? 0) + count;
  return into;
}

/** p50/p99/max (and count) of a merged histogram, in ms, nearest-rank on the buckets' upper edges. */
export function histogramSummary(histogram) {
  const buckets = Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b);
  const count = buckets.reduce((n, b) => n + histogram[b], 0);
  const at = (p) => {
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const b of buckets) {
      seen += histogram[b];
      if (seen >= rank) return Math.round(upperEdge(b) * 100) / 100;
    }
    return null;
  };
  return { count, p50: at(50), p99: at(99), max: count ? upperEdge(buckets.at(-1)) : null };
}
