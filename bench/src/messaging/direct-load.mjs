import { mapLimit } from '../lib/pool.mjs';
import { progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { sleep } from '../lib/time.mjs';
import { sendOpenLoop, waitForDeliveries } from './open-loop.mjs';
import { probeText } from './probe.mjs';
import { kbPerSocket, serverMemory } from './server-memory.mjs';

/** `conversations` direct conversations, each between two fresh users; user 2c and 2c + 1 in conversation c. */
export async function prepareDirectLoad(api, { conversations, devicesPerUser }) {
  const users = await api.signUpMany('dl', conversations * 2);
  const ids = await mapLimit(
    Array.from({ length: conversations }, (_, c) => c),
    16,
    async (c) => (await api.createDirect(users[2 * c], users[2 * c + 1])).id,
  );
  const tokens = users.flatMap((u) => Array.from({ length: devicesPerUser }, () => u.token));
  return { users, conversationIds: ids, devicesPerUser, tokens };
}

/**
 * Persisted messages at `ratePerSecond`, open loop, spread over the direct conversations: message i goes
 * to conversation i mod C, sent by one of its two users in turn, and is delivered to both users' devices
 * (the sender's own included). The latency of a (message, device) pair is the device's receipt minus the
 * message's due time.
 */
export async function measureDirectLoad({ api, service, workers, prepared, settings, phase }) {
  const { users, conversationIds, devicesPerUser, tokens } = prepared;
  const conversations = conversationIds.length;
  const set = `direct-${phase}`;
  const before = await serverMemory(api, service.pid);
  const connect = await workers.connect(set, `${service.url.replace(/^http/, 'ws')}/v1/realtime`, tokens);
  try {
    if (connect.failed > 0)
      throw new Error(`${connect.failed}/${tokens.length} devices failed to connect: ${connect.firstError}`);
    await sleep(2000);
    const after = await serverMemory(api, service.pid);
    const count = Math.round((settings.ratePerSecond * settings.durationMs) / 1000);
    progress(
      `direct load: ${tokens.length} devices in ${conversations} direct conversations connected in ${round(connect.seconds, 1)} s; ${count} messages at ${settings.ratePerSecond}/s`,
    );
    await workers.startPhase(phase);
    const sent = await sendOpenLoop({
      count,
      ratePerSecond: settings.ratePerSecond,
      send: (i, dueAt) => {
        const c = i % conversations;
        const sender = users[2 * c + (Math.floor(i / conversations) % 2)];
        return api
          .sendText(sender, conversationIds[c], `p${phase}-${i}`, probeText(phase, i, dueAt))
          .then((r) => r.status);
      },
    });
    const expected = sent.accepted * 2 * devicesPerUser;
    await waitForDeliveries(workers, phase, expected, settings.settleMs);
    const report = await workers.report(phase);
    return {
      conversations,
      devices: tokens.length,
      ...sent,
      deliveriesExpected: expected,
      deliveriesReceived: report.received,
      duplicates: report.duplicates,
      outOfOrder: report.outOfOrder,
      deliveryLatencyMs: summarize(report.latencies),
      memory: {
        rssBeforeMb: round(before.rssMb, 1),
        rssAfterMb: round(after.rssMb, 1),
        rssKbPerSocket: kbPerSocket(before.rssMb, after.rssMb, tokens.length),
        heapKbPerSocket: kbPerSocket(before.heapUsedMb, after.heapUsedMb, tokens.length),
      },
    };
  } finally {
    await workers.close(set);
    await sleep(1000);
  }
}
