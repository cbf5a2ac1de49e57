import { describe, expect, it } from 'vitest';
import { CallQualityMeter, classifyCallQuality, lossBetween, readCallStats } from './call-quality.js';

describe('classifyCallQuality', () => {
  it('a LAN call (low rtt, no loss, little jitter) is good', () => {
    expect(classifyCallQuality({ rttMs: 2, lossPercent: 0, jitterMs: 1 })).toBe('good');
  });
  it('nothing measured yet counts as good', () => {
    expect(classifyCallQuality({})).toBe('good');
  });
  it.each([
    [{ rttMs: 200 }, 'fair'],
    [{ lossPercent: 2 }, 'fair'],
    [{ jitterMs: 50 }, 'fair'],
    [{ rttMs: 150, lossPercent: 1, jitterMs: 30 }, 'good'],
    [{ rttMs: 401 }, 'poor'],
    [{ lossPercent: 7.5 }, 'poor'],
    [{ jitterMs: 120 }, 'poor'],
    [{ rttMs: 20, lossPercent: 0, jitterMs: 150 }, 'poor'],
  ] as const)('%o is %s', (sample, expected) => {
    expect(classifyCallQuality(sample)).toBe(expected);
  });
});

describe('lossBetween', () => {
  it('is the share of expected packets lost between two samples', () => {
    expect(
      lossBetween({ packetsReceived: 100, packetsLost: 0 }, { packetsReceived: 190, packetsLost: 10 }),
    ).toBe(10);
  });
  it('is undefined when nothing arrived or was lost', () => {
    expect(
      lossBetween({ packetsReceived: 5, packetsLost: 1 }, { packetsReceived: 5, packetsLost: 1 }),
    ).toBeUndefined();
  });
  it('never goes negative when the far end corrects its loss count downwards (duplicates)', () => {
    expect(
      lossBetween({ packetsReceived: 10, packetsLost: 3 }, { packetsReceived: 20, packetsLost: 1 }),
    ).toBe(0);
  });
});

const report = (rtt: number, received: number, lost: number, jitter: number) =>
  new Map<string, { id: string; type: string; [key: string]: unknown }>([
    ['T1', { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' }],
    ['CP1', { id: 'CP1', type: 'candidate-pair', currentRoundTripTime: 9, state: 'failed' }],
    ['CP2', { id: 'CP2', type: 'candidate-pair', currentRoundTripTime: rtt, state: 'succeeded' }],
    [
      'IA',
      { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter },
    ],
    [
      'IV',
      {
        id: 'IV',
        type: 'inbound-rtp',
        kind: 'video',
        packetsReceived: received,
        packetsLost: 0,
        jitter: 0.001,
      },
    ],
  ]);

describe('readCallStats', () => {
  it('takes the selected pair’s rtt, the worst jitter and sums the inbound counters', () => {
    expect(readCallStats(report(0.05, 100, 4, 0.02))).toEqual({
      rttMs: 50,
      jitterMs: 20,
      counters: { packetsReceived: 200, packetsLost: 4 },
    });
  });
});

describe('CallQualityMeter', () => {
  it('measures loss between samples: a burst of loss turns the call poor, then good again', async () => {
    const reports = [report(0.01, 100, 0, 0.001), report(0.01, 190, 10, 0.001), report(0.01, 390, 10, 0.001)];
    const meter = new CallQualityMeter({
      getStats: async () => reports.shift() as unknown as RTCStatsReport,
    });
    expect((await meter.sample()).quality).toBe('good');
    const burst = await meter.sample();
    expect(burst.lossPercent).toBeCloseTo((10 / 190) * 100, 5);
    expect(burst.quality).toBe('poor');
    expect((await meter.sample()).quality).toBe('good');
  });
});
