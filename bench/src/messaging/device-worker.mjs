// A device worker (forked by device-workers.mjs): holds a share of the benchmark's device sockets
// (`/v1/realtime`), finds the probe in each `message.sent` frame and keeps its send->delivered latency. It
// talks to the benchmark process over the IPC channel only, so receiving never runs on the measuring
// event loop.
import WebSocket from 'ws';
import { mapLimit } from '../lib/pool.mjs';
import { epochMs, readProbe } from './probe.mjs';

const CONNECT_TIMEOUT_MS = 30_000;
const CONNECTS_IN_FLIGHT = 32;

/** set name -> sockets */
const sets = new Map();
/** phase -> { offsetMs, latencies, received, duplicates, outOfOrder } */
const phases = new Map();

/** One device: counts each probe once, and notes a probe older than one it already had (live order). */
function receive(device, raw) {
  const receivedAt = epochMs();
  const probe = readProbe(raw);
  if (!probe) return;
  const phase = phases.get(probe.phase);
  if (!phase) return;
  if (device.phase !== probe.phase) {
    device.phase = probe.phase;
    device.seen = new Set();
    device.lastSeq = new Map();
  }
  if (device.seen.has(probe.index)) {
    phase.duplicates++;
    return;
  }
  device.seen.add(probe.index);
  phase.received++;
  // Order is the conversation's: a seq below one this device already got (sends may be answered in another
  // order than they were started, so their index says nothing about it).
  const lastSeq = device.lastSeq.get(probe.conversationId) ?? 0;
  if (probe.seq < lastSeq) phase.outOfOrder++;
  device.lastSeq.set(probe.conversationId, Math.max(lastSeq, probe.seq));
  // The sender stamped its own clock; this worker's clock is `offsetMs` ahead of it.
  phase.latencies.push(receivedAt - phase.offsetMs - probe.sentAt);
}

/** Ready once the service sent `ready`: the device is subscribed from then on. */
function connectDevice(url, token) {
  const socket = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`, {
    perMessageDeflate: false,
  });
  const device = { socket, phase: undefined, seen: undefined, lastSeq: undefined };
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => fail(new Error('device not ready in time')), CONNECT_TIMEOUT_MS);
    const fail = (err) => {
      clearTimeout(timer);
      socket.terminate();
      reject(err);
    };
    socket.on('message', (data) => {
      const raw = data.toString();
      if (!ready) {
        if (raw.includes('"ready"')) {
          ready = true;
          clearTimeout(timer);
          resolve(device);
        }
        return;
      }
      receive(device, raw);
    });
    socket.once('error', (err) => !ready && fail(err));
    socket.once('unexpected-response', (_req, res) =>
      fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
    );
    socket.once('close', (code) => !ready && fail(new Error(`closed (${code}) before ready`)));
  });
}

async function connect({ set, url, tokens }) {
  const started = performance.now();
  const opened = await mapLimit(tokens, CONNECTS_IN_FLIGHT, (token) =>
    connectDevice(url, token).catch((err) => err),
  );
  const failures = opened.filter((d) => d instanceof Error);
  const devices = sets.get(set) ?? [];
  devices.push(...opened.filter((d) => !(d instanceof Error)));
  sets.set(set, devices);
  return {
    connected: opened.length - failures.length,
    failed: failures.length,
    firstError: failures[0]?.message,
    seconds: (performance.now() - started) / 1000,
  };
}

function close({ set }) {
  for (const device of sets.get(set) ?? []) device.socket.terminate();
  sets.delete(set);
  return {};
}

const handlers = {
  connect,
  close,
  clock: () => ({ now: epochMs() }),
  phase({ phase, offsetMs }) {
    phases.set(phase, { offsetMs, latencies: [], received: 0, duplicates: 0, outOfOrder: 0 });
    return {};
  },
  totals: ({ phase }) => ({ received: phases.get(phase)?.received ?? 0 }),
  report({ phase }) {
    const p = phases.get(phase);
    phases.delete(phase);
    return {
      latencies: p.latencies,
      received: p.received,
      duplicates: p.duplicates,
      outOfOrder: p.outOfOrder,
    };
  },
};

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, ok: true, result: await handlers[cmd](args) });
  } catch (err) {
    process.send({ id, ok: false, error: err.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
