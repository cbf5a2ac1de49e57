import { summarize, round } from '../lib/stats.mjs';
import { mapLimit } from '../lib/pool.mjs';
import { progress } from '../lib/report.mjs';
import { sleep, withTimeout } from '../lib/time.mjs';
import { watchEventLoop } from '../lib/event-loop.mjs';
import { connectDevice } from './device.mjs';

/**
 * Figure 2: time from the start of a send to the `message.sent` frame on each connected device.
 * `users` participants with `devicesPerUser` sockets each; one of them sends `messages` at a steady
 * `ratePerSecond`. The schedule is open-loop (a send starts on time even if the previous one is still in
 * flight), so a slow answer shows up as latency rather than silently lowering the rate.
 */
export async function measureDelivery(
  api,
  { users: userCount, devicesPerUser, messages, ratePerSecond, settleMs },
) {
  const users = await api.signUpMany('dlv', userCount);
  const [sender] = users;
  const conversation = await api.createGroup(sender, users.slice(1));
  const deviceCount = userCount * devicesPerUser;
  const expected = deviceCount * messages;

  const sentAt = new Map(); // clientMessageId -> performance.now() when the POST started
  const latencies = [];
  let duplicates = 0;
  let outOfOrder = 0;
  let unknown = 0;
  let allDelivered;
  const delivered = new Promise((resolve) => (allDelivered = resolve));

  function deviceHandler() {
    const seen = new Set();
    let lastSeq = 0;
    return (frame, receivedAt) => {
      if (
        frame.type !== 'event' ||
        frame.event.type !== 'message.sent' ||
        frame.event.conversationId !== conversation.id
      )
        return;
      const id = frame.event.payload.message.clientMessageId;
      const start = sentAt.get(id);
      if (start === undefined) return void unknown++;
      if (seen.has(id)) return void duplicates++;
      seen.add(id);
      if (frame.event.seq < lastSeq) outOfOrder++;
      lastSeq = frame.event.seq;
      latencies.push(receivedAt - start);
      if (latencies.length === expected) allDelivered();
    };
  }

  const pairs = users.flatMap((user) => Array.from({ length: devicesPerUser }, () => user));
  const devices = await mapLimit(pairs, 10, (user) =>
    connectDevice(api.http.baseUrl, user.token, deviceHandler()),
  );
  progress(
    `delivery: ${deviceCount} devices ready (${userCount} users x ${devicesPerUser}); sending ${messages} messages at ${ratePerSecond}/s`,
  );

  try {
    const intervalMs = 1000 / ratePerSecond;
    const sends = [];
    const stopWatching = watchEventLoop();
    const t0 = performance.now();
    for (let i = 0; i < messages && !api.closed; i++) {
      const wait = t0 + i * intervalMs - performance.now();
      if (wait > 1) await sleep(wait);
      const id = `lat-${i}`;
      const started = performance.now();
      sentAt.set(id, started);
      sends.push(
        api.sendText(sender, conversation.id, id, `latency probe ${i}`).then(
          (res) => ({ status: res.status, ms: performance.now() - started }),
          (err) => ({ status: err.code ?? err.message, ms: null }),
        ),
      );
    }
    const results = await Promise.all(sends);
    const sendSeconds = (performance.now() - t0) / 1000;
    // Whatever has not arrived `settleMs` after the last answer counts as lost.
    await withTimeout(delivered, settleMs, 'waiting for deliveries').catch(() => undefined);
    const clientEventLoopDelayMs = stopWatching();

    const accepted = results.filter((r) => r.status === 201);
    return {
      devices: deviceCount,
      users: userCount,
      devicesPerUser,
      messages,
      targetRatePerSecond: ratePerSecond,
      achievedRatePerSecond: round(messages / sendSeconds, 1),
      sendsAccepted: accepted.length,
      deliveriesExpected: expected,
      deliveriesReceived: latencies.length,
      duplicates,
      outOfOrder,
      unknown,
      deliveryLatencyMs: summarize(latencies),
      sendHttpLatencyMs: summarize(accepted.map((r) => r.ms)),
      clientEventLoopDelayMs,
    };
  } finally {
    for (const device of devices) device.close();
  }
}
