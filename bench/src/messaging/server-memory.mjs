import { residentMegabytes } from '../lib/process-memory.mjs';

/** The service's resident memory (/proc) and V8 heap in use (`nodejs_heap_size_used_bytes` of GET /metrics). */
export async function serverMemory(api, pid) {
  const text = await api.metricsText().catch(() => undefined);
  const match = text && /^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+([0-9.e+]+)/m.exec(text);
  return { rssMb: residentMegabytes(pid), heapUsedMb: match ? Number(match[1]) / 2 ** 20 : null };
}

/** (after - before) per socket, in KB; null when either reading is missing. */
export function kbPerSocket(beforeMb, afterMb, sockets) {
  if (beforeMb === null || afterMb === null || beforeMb === undefined || afterMb === undefined) return null;
  return Math.round(((afterMb - beforeMb) * 1024 * 10) / sockets) / 10;
}
