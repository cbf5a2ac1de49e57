/**
 * Network quality of a call from RTCPeerConnection.getStats(): round-trip time of the selected candidate
 * pair, packet loss and jitter of what we receive. The classification is pure so its thresholds are
 * testable without WebRTC.
 */
export type CallQuality = 'good' | 'fair' | 'poor';

export interface CallQualitySample {
  /** Round-trip time in ms (selected candidate pair), when known. */
  rttMs?: number;
  /** Inbound packets lost since the previous sample, in percent of those expected. */
  lossPercent?: number;
  /** Inbound jitter in ms (the worst stream). */
  jitterMs?: number;
}

/** Thresholds as commonly used for interactive voice (ITU-T G.114 for delay; loss and jitter per codec PLC). */
export const QualityThresholds = {
  fair: { rttMs: 150, lossPercent: 1, jitterMs: 30 },
  poor: { rttMs: 400, lossPercent: 5, jitterMs: 100 },
} as const;

/** good: all under the fair thresholds; poor: any over the poor thresholds; fair otherwise. */
export function classifyCallQuality(sample: CallQualitySample): CallQuality {
  const over = (limits: { rttMs: number; lossPercent: number; jitterMs: number }) =>
    (sample.rttMs ?? 0) > limits.rttMs ||
    (sample.lossPercent ?? 0) > limits.lossPercent ||
    (sample.jitterMs ?? 0) > limits.jitterMs;
  if (over(QualityThresholds.poor)) return 'poor';
  if (over(QualityThresholds.fair)) return 'fair';
  return 'good';
}

/** Cumulative inbound counters; losses are computed between two of these. */
export interface InboundCounters {
  packetsReceived: number;
  packetsLost: number;
}

interface StatsEntry {
  type: string;
  kind?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  currentRoundTripTime?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  selectedCandidatePairId?: string;
  id?: string;
}

/** Reads RTT, jitter and the cumulative inbound counters out of one getStats() report. */
export function readCallStats(
  report: Iterable<StatsEntry> | { forEach(cb: (entry: StatsEntry) => void): void },
): {
  rttMs?: number;
  jitterMs?: number;
  counters: InboundCounters;
} {
  const entries: StatsEntry[] = [];
  if (Symbol.iterator in report)
    for (const e of report) entries.push(Array.isArray(e) ? (e[1] as StatsEntry) : e);
  else report.forEach((e) => entries.push(e));
  const selectedId = entries.find(
    (e) => e.type === 'transport' && e.selectedCandidatePairId,
  )?.selectedCandidatePairId;
  const pair =
    entries.find((e) => e.type === 'candidate-pair' && e.id !== undefined && e.id === selectedId) ??
    entries.find(
      (e) => e.type === 'candidate-pair' && (e.selected || (e.nominated && e.state === 'succeeded')),
    );
  let jitter: number | undefined;
  const counters: InboundCounters = { packetsReceived: 0, packetsLost: 0 };
  for (const e of entries) {
    if (e.type !== 'inbound-rtp') continue;
    counters.packetsReceived += e.packetsReceived ?? 0;
    counters.packetsLost += Math.max(0, e.packetsLost ?? 0);
    if (e.jitter !== undefined) jitter = Math.max(jitter ?? 0, e.jitter);
  }
  return {
    rttMs: pair?.currentRoundTripTime !== undefined ? pair.currentRoundTripTime * 1000 : undefined,
    jitterMs: jitter !== undefined ? jitter * 1000 : undefined,
    counters,
  };
}

/** Loss between two samples of the cumulative counters, in percent (undefined when nothing was expected). */
export function lossBetween(
  previous: InboundCounters | undefined,
  current: InboundCounters,
): number | undefined {
  const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = current.packetsLost - (previous?.packetsLost ?? 0);
  const expected = received + lost;
  if (expected <= 0) return undefined;
  return (Math.max(0, lost) / expected) * 100;
}

/**
 * Samples a connection's stats on each call and classifies them; keep one per call and call `sample()`
 * every few seconds (losses are measured between two samples).
 */
export class CallQualityMeter {
  private previous: InboundCounters | undefined;

  constructor(private readonly pc: Pick<RTCPeerConnection, 'getStats'>) {}

  async sample(): Promise<CallQualitySample & { quality: CallQuality }> {
    const { rttMs, jitterMs, counters } = readCallStats(
      (await this.pc.getStats()) as unknown as Iterable<StatsEntry>,
    );
    const lossPercent = lossBetween(this.previous, counters);
    this.previous = counters;
    const sample = { rttMs, jitterMs, lossPercent };
    return { ...sample, quality: classifyCallQuality(sample) };
  }
}
