import { randomUUID } from 'node:crypto';
import { eventually } from '@parley/testing';
import { watchCpu } from '../lib/cpu.mjs';
import { watchEventLoop } from '../lib/event-loop.mjs';
import { progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { sampleSdp } from './sdp.mjs';
import { openTerminal, StepError } from './terminal.mjs';

const OFFER_SDP = sampleSdp('offer');
const ANSWER_SDP = sampleSdp('answer');

/** Pair i calls from +4790xxxxx to +4791xxxxx: distinct valid E.164 numbers, one terminal each. */
const number = (side, i) => `+479${side}${String(i).padStart(5, '0')}`;

const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/**
 * One call setup: Offer -> (callee) Offer, Ringing -> (caller) Ringing, Answer -> (caller) Answer, then
 * Bye -> (callee) Bye. Returns the times from the Offer to the Answer and to the callee's Bye.
 */
async function exchange({ caller, callee, calleeNumber }, stepTimeoutMs) {
  const callId = randomUUID();
  const started = performance.now();
  try {
    const offered = callee.expect(callId, 'offer', stepTimeoutMs);
    caller.send(callId, 'offer', { sdp: OFFER_SDP, msisdn: { e164: calleeNumber } });
    await offered;
    const rang = caller.expect(callId, 'ringing', stepTimeoutMs);
    callee.send(callId, 'ringing', {});
    await rang;
    const answered = caller.expect(callId, 'answer', stepTimeoutMs);
    callee.send(callId, 'answer', { sdp: ANSWER_SDP });
    await answered;
    const answeredAt = performance.now();
    const hungUp = callee.expect(callId, 'bye', stepTimeoutMs);
    caller.send(callId, 'bye', { reason: '' });
    await hungUp;
    return { started, setupMs: answeredAt - started, exchangeMs: performance.now() - started };
  } catch (err) {
    // End the half-made call (a harmless Error comes back if it already ended) and drop its leftovers.
    if (!caller.broken) caller.send(callId, 'bye', { reason: '' });
    err.started = started;
    throw err;
  }
}

/**
 * Call setups/s through `target` (the core or the relay): `pairs` caller/callee pairs of MultiPipe streams,
 * each running one exchange after another (a closed loop) for a warm-up that is not counted and then
 * `durationMs`. Exchanges started before the end of the window are allowed to finish.
 */
export async function measureSetups(target, { pairs, warmupMs, durationMs, stepTimeoutMs }) {
  const all = [];
  const pairList = [];
  try {
    for (let i = 0; i < pairs; i++) {
      const [callerNumber, calleeNumber] = [number(0, i), number(1, i)];
      const caller = openTerminal(
        target.address,
        await target.metadataFor({ pair: i, role: 'caller', msisdn: callerNumber }),
      );
      all.push(caller);
      const callee = openTerminal(
        target.address,
        await target.metadataFor({ pair: i, role: 'callee', msisdn: calleeNumber }),
      );
      all.push(callee);
      pairList.push({ caller, callee, calleeNumber });
    }
    // An Offer to a callee the target has not registered yet would be refused (callee_offline).
    const opening = await eventually(
      async () => {
        const broken = all.find((t) => t.broken)?.broken;
        if (broken) return { broken };
        return (await target.registered()) >= all.length ? { broken: undefined } : undefined;
      },
      `${target.name} registering ${all.length} terminals`,
      15_000,
    );
    if (opening.broken)
      throw new Error(`${target.name}: a terminal stream failed on opening: ${opening.broken.message}`);
    progress(
      `${target.name}: ${pairs} pairs (${all.length} streams) ready; ${warmupMs} ms warm-up + ${durationMs} ms`,
    );

    const setupMs = [];
    const exchangeMs = [];
    const failures = new Map();
    let warmupSetups = 0;
    const measureFrom = performance.now() + warmupMs;
    const measureUntil = measureFrom + durationMs;
    let stopWatching;
    const watchTimer = setTimeout(() => {
      const cpu = watchCpu(target.pid);
      const loop = watchEventLoop();
      stopWatching = () => ({ ...cpu(), benchEventLoopDelayMs: loop() });
    }, warmupMs);

    const loop = async (pair) => {
      while (performance.now() < measureUntil) {
        if (pair.caller.broken || pair.callee.broken) {
          bump(failures, (pair.caller.broken ?? pair.callee.broken).kind);
          return; // a dead stream stays dead: this pair stops rather than spin
        }
        pair.caller.clearInbox();
        pair.callee.clearInbox();
        try {
          const r = await exchange(pair, stepTimeoutMs);
          if (r.started < measureFrom) warmupSetups++;
          else {
            setupMs.push(r.setupMs);
            exchangeMs.push(r.exchangeMs);
          }
        } catch (err) {
          if (!(err instanceof StepError)) throw err;
          bump(failures, err.kind);
        }
      }
    };
    await Promise.all(pairList.map(loop));
    const elapsedMs = performance.now() - measureFrom;
    clearTimeout(watchTimer);
    const usage = stopWatching?.() ?? {};

    const unexpected = new Map();
    for (const t of all) for (const [kind, n] of t.unexpected) bump(unexpected, kind, n);
    const setups = setupMs.length;
    return {
      target: target.name,
      pairs,
      durationSeconds: round(elapsedMs / 1000, 3),
      setups,
      setupsPerSecond: round(setups / (elapsedMs / 1000), 1),
      setupLatencyMs: summarize(setupMs),
      exchangeLatencyMs: summarize(exchangeMs),
      warmupSetups,
      failed: [...failures.values()].reduce((a, b) => a + b, 0),
      failures: Object.fromEntries(failures),
      unexpected: Object.fromEntries(unexpected),
      ...usage,
      serverCpuMsPerSetup:
        usage.serverCpuSeconds != null && setups > 0
          ? round((usage.serverCpuSeconds * 1000) / setups, 3)
          : null,
    };
  } finally {
    for (const t of all) t.close();
  }
}
