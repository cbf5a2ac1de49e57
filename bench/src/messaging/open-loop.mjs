import { watchEventLoop } from '../lib/event-loop.mjs';
import { retryOnReset } from '../lib/http-client.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { sleep } from '../lib/time.mjs';
import { epochMs } from './probe.mjs';

/**
 * Sends `count` messages open-loop at `ratePerSecond`: message i is due at t0 + i / rate and starts then
 * whether or not the ones before were answered, so a slow answer shows as latency instead of lowering the
 * rate. `send(i, dueAt)` starts message i and resolves with its HTTP status; `dueAt` (epoch ms) is what
 * its latency is measured from, so a late start in this process counts against the figure, not for it.
 */
export async function sendOpenLoop({ count, ratePerSecond, send }) {
  const stopWatching = watchEventLoop();
  const t0 = epochMs() + 50;
  const sends = [];
  const counts = { resent: 0 };
  for (let i = 0; i < count; i++) {
    const dueAt = t0 + (i * 1000) / ratePerSecond;
    const wait = dueAt - epochMs();
    if (wait > 1) await sleep(wait);
    sends.push(
      sendOnce(send, i, dueAt, counts).then(
        (status) => ({ status, ms: epochMs() - dueAt }),
        (err) => ({ status: err.code ?? err.message, ms: null }),
      ),
    );
  }
  const results = await Promise.all(sends);
  const seconds = (epochMs() - t0) / 1000;
  const accepted = results.filter((r) => r.status === 201);
  const failures = {};
  for (const r of results) if (r.status !== 201) failures[r.status] = (failures[r.status] ?? 0) + 1;
  return {
    messages: count,
    targetRatePerSecond: ratePerSecond,
    /** Sends answered per second, from the first due time to the last answer. */
    answeredPerSecond: round(count / seconds, 1),
    accepted: accepted.length,
    failures,
    resentAfterReset: counts.resent,
    sendHttpLatencyMs: summarize(accepted.map((r) => r.ms)),
    benchEventLoopDelayMs: stopWatching(),
  };
}

/**
 * A keep-alive connection the service closed as idle just as a send went out fails with ECONNRESET; the
 * send is tried again (up to 3 times), which is safe because a message is sent once per clientMessageId:
 * a 200 then means an earlier attempt had been committed, and it counts as accepted like a 201.
 */
async function sendOnce(send, i, dueAt, counts) {
  return retryOnReset(
    async (attempt) => {
      const status = await send(i, dueAt);
      return attempt > 1 && status === 200 ? 201 : status;
    },
    { onRetry: () => counts.resent++ },
  );
}

/**
 * Waits until `expected` deliveries arrived, or none arrived for `settleMs` (a backlog still draining is
 * not a loss), and resolves with the count then.
 */
export async function waitForDeliveries(workers, phase, expected, settleMs) {
  let received = await workers.received(phase);
  let lastProgress = performance.now();
  while (received < expected && performance.now() - lastProgress < settleMs) {
    await sleep(100);
    const now = await workers.received(phase);
    if (now > received) lastProgress = performance.now();
    received = now;
  }
  return received;
}
