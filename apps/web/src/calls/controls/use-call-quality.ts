import { useEffect, useState } from 'react';
import { CallQualityMeter, type Call, type CallQuality } from '@parley/sdk';

export interface CallQualityReading {
  quality: CallQuality | 'unknown';
  rttMs?: number;
  lossPercent?: number;
  jitterMs?: number;
}

const SAMPLE_EVERY_MS = 2000;

/** The call's network quality, sampled from getStats() every 2 s while its media is connected. */
export function useCallQuality(call: Call): CallQualityReading {
  const pc = call.peerConnection;
  const connected = call.state === 'active' && call.connectionState === 'connected';
  const [reading, setReading] = useState<CallQualityReading>({ quality: 'unknown' });
  useEffect(() => {
    if (!pc || !connected) {
      setReading({ quality: 'unknown' });
      return;
    }
    const meter = new CallQualityMeter(pc);
    let live = true;
    const sample = () =>
      void meter
        .sample()
        .then((r) => live && setReading(r))
        .catch(() => undefined);
    sample();
    const timer = setInterval(sample, SAMPLE_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [pc, connected]);
  return reading;
}
