import { randomUUID } from 'node:crypto';
import { round, summarize } from '../lib/stats.mjs';
import { connectDevice } from '../messaging/device.mjs';

/**
 * Resolves waits keyed by `kind:call_id` with the first matching voice frame, including frames that came
 * before the wait was registered; an extra signal (a summary) never satisfies another wait.
 */
function signalWaits() {
  const waits = new Map();
  const early = new Map();
  return {
    deliver(key, value) {
      const wait = waits.get(key);
      if (wait) {
        waits.delete(key);
        wait(value);
      } else early.set(key, value);
    },
    waitFor(key, timeoutMs = 15_000) {
      const got = early.get(key);
      if (got) {
        early.delete(key);
        return Promise.resolve(got);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waits.delete(key);
          reject(new Error(`no ${key} within ${timeoutMs} ms`));
        }, timeoutMs);
        waits.set(key, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
  };
}

function sendSignal(api, token, body) {
  return api.http.post('/v1/voice/signals', token, body).then((res) => {
    if (res.status !== 201)
      throw new Error(`signal ${body.kind}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body;
  });
}

/**
 * Each caller places calls back to back for `durationMs`: start → (a callee gets start, answers accept) →
 * (caller gets accept) → stop → (the callee gets stop). Callers address `to` (the other user, or the
 * proxy's line); callees answer whoever issued the start. Which callee rings is up to the route (the queue
 * for the proxy), so the start is awaited on all callees. Latencies run from a signal's send to its arrival
 * on the other party's device.
 */
export async function runCallLoops({ api, baseUrl, callers, callees, durationMs, untilSummary = false }) {
  const waits = signalWaits();
  const connect = (user, isCallee) =>
    connectDevice(baseUrl, user.token, (frame, receivedAt) => {
      if (frame.type !== 'voice' || !['start', 'accept', 'stop', 'summary'].includes(frame.signal.kind))
        return;
      if (frame.signal.kind === 'summary' && (isCallee || !untilSummary)) return;
      const { signal } = frame;
      const key =
        isCallee && signal.kind !== 'start'
          ? `callee-${signal.kind}:${signal.call_id}`
          : `${signal.kind}:${signal.call_id}`;
      waits.deliver(key, { signal, receivedAt });
      if (isCallee && signal.kind === 'start') {
        sendSignal(api, user.token, {
          kind: 'accept',
          to: signal.iss,
          cid: signal.cid,
          call_id: signal.call_id,
          peer_info: 'v=0 answer',
        }).catch((err) => recordFailure(err));
      }
    });
  const devices = await Promise.all([
    ...callers.map((c) => connect(c.user, false)),
    ...callees.map((u) => connect(u, true)),
  ]);

  const startLatencies = [];
  const hopLatencies = [];
  let calls = 0;
  let failures = 0;
  let firstError;
  function recordFailure(err) {
    failures++;
    firstError ??= err;
  }

  const began = performance.now();
  const deadline = began + durationMs;
  await Promise.all(
    callers.map(async ({ user, cid, to }) => {
      while (performance.now() < deadline) {
        const callId = randomUUID();
        try {
          const startSent = performance.now();
          await sendSignal(api, user.token, {
            kind: 'start',
            to,
            cid,
            call_id: callId,
            peer_info: 'v=0 offer',
          });
          const rung = await waits.waitFor(`start:${callId}`);
          const accepted = await waits.waitFor(`accept:${callId}`);
          const stopSent = performance.now();
          await sendSignal(api, user.token, { kind: 'stop', to, cid, call_id: callId });
          const stopped = await waits.waitFor(`callee-stop:${callId}`);
          startLatencies.push(rung.receivedAt - startSent);
          hopLatencies.push(
            rung.receivedAt - startSent,
            accepted.receivedAt - rung.receivedAt,
            stopped.receivedAt - stopSent,
          );
          // Through the proxy a call is over when its summary arrives: the operator is free again by then,
          // so the next call does not find everyone still busy with this one.
          if (untilSummary) await waits.waitFor(`summary:${callId}`);
          calls++;
        } catch (err) {
          recordFailure(err);
        }
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  for (const device of devices) device.close();
  if (calls === 0) throw firstError ?? new Error('no call completed');
  return {
    calls,
    failures,
    firstError: firstError?.message,
    seconds: round(seconds),
    // Three signals reach the other party per call: start, accept, stop.
    signalsPerSecond: round((calls * 3) / seconds, 1),
    startLatencyMs: summarize(startLatencies),
    hopLatencyMs: summarize(hopLatencies),
  };
}

/** Two users per pair in a direct conversation, signalling each other through messaging alone. */
export function measureDirectCalls({ api, baseUrl, pairs, durationMs }) {
  return runCallLoops({
    api,
    baseUrl,
    callers: pairs.map((p) => ({ user: p.caller, cid: p.cid, to: p.callee.id })),
    callees: pairs.map((p) => p.callee),
    durationMs,
  });
}

/** Customers call the support line from their own support conversation; the proxy relays as itself. */
export function measureRelayedCalls({ api, baseUrl, customers, operators, line, durationMs }) {
  return runCallLoops({
    api,
    baseUrl,
    callers: customers.map((c) => ({ user: c.user, cid: c.cid, to: line })),
    callees: operators,
    durationMs,
    untilSummary: true,
  });
}
