import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './stats.mjs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring the CPU used by a child process (by pid) and by this process. The returned function
 * gives each as a percentage of one core over the elapsed wall time (200 % = two cores busy).
 */
export function watchCpu(pid) {
  const wallStart = performance.now();
  const childStart = cpuSecondsOf(pid);
  const selfStart = process.cpuUsage();
  return () => {
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const childEnd = cpuSecondsOf(pid);
    const self = process.cpuUsage(selfStart);
    const childSeconds =
      childStart === undefined || childEnd === undefined ? undefined : childEnd - childStart;
    return {
      serverCpuSeconds: childSeconds === undefined ? null : round(childSeconds, 2),
      serverCpuPercent: childSeconds === undefined ? null : round((childSeconds / wallSeconds) * 100, 0),
      benchCpuPercent: round(((self.user + self.system) / 1e6 / wallSeconds) * 100, 0),
    };
  };
}
