import { EVENT_STREAM_LAST_SEQ_HEADER } from '@parley/protocol';
import { sampleResidentMemory } from '../lib/process-memory.mjs';
import { round } from '../lib/stats.mjs';

/**
 * Figure 3b: the same conversation read through GET /events/stream, one NDJSON response from seq 1. The
 * client reads every line and checks the seqs arrive complete and in order; the server's resident memory is
 * sampled meanwhile (its peak over its level before the request is what a replay costs it).
 */
export async function measureRetransmitStream({ baseUrl, pid, token, conversationId, lastSeq }) {
  const memory = sampleResidentMemory(pid);
  const started = performance.now();
  const res = await fetch(`${baseUrl}/v1/conversations/${conversationId}/events/stream?fromSeq=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`GET events/stream: HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let pending = '';
  let received = 0;
  let expectedSeq = 1;
  let inOrder = true;
  let bytes = 0;
  // Every line's seq is read where the server writes it ("seq" : n, right after the ids); every 1000th line
  // is parsed whole as well, so the figure is the server's and the link's, not this process's JSON.parse.
  const take = (line) => {
    if (line.length === 0) return;
    const seq = received % 1000 === 0 ? JSON.parse(line).seq : seqOf(line);
    if (seq !== expectedSeq) inOrder = false;
    expectedSeq = seq + 1;
    received++;
  };
  for await (const chunk of res.body) {
    bytes += chunk.byteLength;
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(pending);
  const seconds = (performance.now() - started) / 1000;
  const { baselineMb, peakMb } = memory.stop();
  return {
    eventsExpected: lastSeq,
    eventsReceived: received,
    headerLastSeq: Number(res.headers.get(EVENT_STREAM_LAST_SEQ_HEADER)),
    inOrder,
    complete: inOrder && received === lastSeq,
    seconds: round(seconds, 3),
    eventsPerSecond: Math.round(received / seconds),
    megabytes: round(bytes / 1e6, 1),
    serverBaselineMb: baselineMb === null ? null : round(baselineMb, 1),
    serverPeakMb: peakMb === null ? null : round(peakMb, 1),
  };
}

function seqOf(line) {
  const at = line.indexOf('"seq"');
  if (at < 0) return NaN;
  const colon = line.indexOf(':', at + 5);
  return Number.parseInt(line.slice(colon + 1, colon + 24), 10);
}
