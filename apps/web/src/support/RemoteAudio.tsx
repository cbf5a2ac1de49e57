import { useEffect, useRef } from 'react';

/** Plays the far end of a support call (audio only, so nothing to show). */
export function RemoteAudio({ stream }: { stream: MediaStream | undefined }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream ?? null;
    if (stream) void el.play().catch(() => undefined); // autoplay may wait for a gesture
  }, [stream]);
  return <audio ref={ref} autoPlay />;
}
