import { MessagingLimits } from '@parley/protocol';
import { progress } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { waitForIdleProcess } from '../lib/idle.mjs';
import { sleep } from '../lib/time.mjs';
import { sendOpenLoop, waitForDeliveries } from './open-loop.mjs';
import { probeText } from './probe.mjs';
import { kbPerSocket, serverMemory } from './server-memory.mjs';

/**
 * One group whose members' devices are the sockets: devices / devicesPerUser users, the first of them the
 * sender. A create or add request takes at most maxParticipantsPerRequest others, so a large group grows in
 * batches. Returns the sender, the group and one token per device.
 */
export async function prepareDeliveryGroup(api, { devices, devicesPerUser }) {
  const userCount = Math.ceil(devices / devicesPerUser);
  const users = await api.signUpMany(`dlv${devices}x`, userCount);
  const [sender] = users;
  const batch = MessagingLimits.maxParticipantsPerRequest;
  const group = await api.createGroup(sender, users.slice(1, 1 + batch));
  for (let from = 1 + batch; from < users.length; from += batch)
    await api.addParticipants(sender, group.id, users.slice(from, from + batch));
  const tokens = Array.from({ length: devices }, (_, i) => users[Math.floor(i / devicesPerUser)].token);
  return { devices, users: userCount, devicesPerUser, sender, group, tokens };
}

/**
 * Connects the group's devices (in the device workers) and reads the server's memory before and after
 * (2 s after the last device is ready, so buffers of the connection storm are released). Connecting a
 * large group is slow: every member's first device announces the member online to every other member.
 */
export async function connectGroupDevices({ api, service, workers, prepared }) {
  const { devices } = prepared;
  const set = `group-${devices}`;
  const before = await serverMemory(api, service.pid);
  const connect = await workers.connect(
    set,
    `${service.url.replace(/^http/, 'ws')}/v1/realtime`,
    prepared.tokens,
  );
  if (connect.failed > 0) {
    await workers.close(set);
    throw new Error(`${connect.failed}/${devices} devices failed to connect: ${connect.firstError}`);
  }
  await sleep(2000);
  const after = await serverMemory(api, service.pid);
  progress(
    `delivery: ${devices} devices connected in ${round(connect.seconds, 1)} s, server RSS ${round(before.rssMb, 0)} -> ${round(after.rssMb, 0)} MB`,
  );
  return {
    set,
    connectSeconds: round(connect.seconds, 1),
    memory: {
      rssBeforeMb: round(before.rssMb, 1),
      rssAfterMb: round(after.rssMb, 1),
      heapBeforeMb: round(before.heapUsedMb, 1),
      heapAfterMb: round(after.heapUsedMb, 1),
      rssKbPerSocket: kbPerSocket(before.rssMb, after.rssMb, devices),
      heapKbPerSocket: kbPerSocket(before.heapUsedMb, after.heapUsedMb, devices),
    },
  };
}

/** Disconnects the group's devices and waits until the service has announced them offline. */
export async function disconnectGroupDevices({ service, workers, connected }) {
  await workers.close(connected.set);
  const seconds = await waitForIdleProcess(service.pid);
  progress(
    `delivery: devices of ${connected.set} disconnected; the service was busy for ${round(seconds, 1)} s more`,
  );
}

/**
 * One measurement on connected devices: one member sends `messages` open-loop at `ratePerSecond`, then
 * the deliveries are awaited. The latency of a (message, device) pair is the device's receipt minus the
 * message's due time.
 */
export async function measureGroupDelivery({ api, workers, prepared, connected, size, settleMs, phase }) {
  const { devices } = prepared;
  progress(`delivery: ${devices} devices, ${size.messages} messages at ${size.ratePerSecond}/s`);
  await workers.startPhase(phase);
  const sent = await sendOpenLoop({
    count: size.messages,
    ratePerSecond: size.ratePerSecond,
    send: (i, dueAt) =>
      api
        .sendText(prepared.sender, prepared.group.id, `p${phase}-${i}`, probeText(phase, i, dueAt))
        .then((r) => r.status),
  });
  const expected = sent.accepted * devices;
  await waitForDeliveries(workers, phase, expected, settleMs);
  const report = await workers.report(phase);
  return {
    devices,
    users: prepared.users,
    devicesPerUser: prepared.devicesPerUser,
    connectSeconds: connected.connectSeconds,
    ...sent,
    deliveriesExpected: expected,
    deliveriesReceived: report.received,
    duplicates: report.duplicates,
    outOfOrder: report.outOfOrder,
    deliveryLatencyMs: summarize(report.latencies),
    memory: connected.memory,
  };
}
