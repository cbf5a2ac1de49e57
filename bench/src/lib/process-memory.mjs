import { readFileSync } from 'node:fs';

/** Resident memory of a process in MB (Linux /proc), or null where that cannot be read. */
export function residentMegabytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's resident memory every `intervalMs` until stop(), which returns the baseline and peak. */
export function sampleResidentMemory(pid, intervalMs = 50) {
  const baseline = residentMegabytes(pid);
  let peak = baseline;
  const timer = setInterval(() => {
    const now = residentMegabytes(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { baselineMb: baseline, peakMb: peak };
    },
  };
}
