import { watchCpu } from './cpu.mjs';
import { sleep } from './time.mjs';

/**
 * Waits until a process (by pid) used less than `belowPercent` of a core over one `windowMs`, or until
 * `maxMs` passed; resolves with the seconds waited. For work a figure leaves behind (say, the presence
 * updates of thousands of devices that just disconnected) to finish before the next figure starts.
 */
export async function waitForIdleProcess(pid, { belowPercent = 25, windowMs = 1000, maxMs = 180_000 } = {}) {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    const stop = watchCpu(pid);
    await sleep(windowMs);
    const { serverCpuPercent } = stop();
    if (serverCpuPercent === null || serverCpuPercent < belowPercent) break;
  }
  return (performance.now() - started) / 1000;
}
