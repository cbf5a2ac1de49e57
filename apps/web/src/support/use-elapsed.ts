import { useEffect, useState } from 'react';
import { formatCallDuration } from '../calls/controls/controls-state';

/** m:ss since `since`, ticking every second; '' without it. */
export function useElapsed(since: number | undefined): string {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since ? formatCallDuration((Date.now() - since) / 1000) : '';
}
