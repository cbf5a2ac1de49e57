// A load worker (forked by load-workers.mjs): holds a share of the sockets of each variant, counts the
// probes they receive and keeps their send->delivered latencies in a histogram. It talks to the benchmark
// process over the IPC channel only, so its own receiving never runs on the measuring event loop.
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { mapLimit } from '../lib/pool.mjs';
import { bucketOf, epochMs, readProbe } from './probe.mjs';

const CONNECT_TIMEOUT_MS = 30_000;
const CONNECTS_IN_FLIGHT = 32;

const sockets = { parley: [], ws: [], socketio: [] };
/** phase -> { variant, windowStart, windowEnd, inWindow, total, histogram } */
const phases = new Map();

function receive(raw) {
  const receivedAt = epochMs();
  const probe = readProbe(raw);
  if (!probe) return;
  const phase = phases.get(probe.phase);
  if (!phase) return;
  phase.total++;
  if (receivedAt >= phase.windowStart && receivedAt <= phase.windowEnd) phase.inWindow++;
  if (probe.sentAt >= phase.windowStart && probe.sentAt <= phase.windowEnd) {
    const bucket = bucketOf(receivedAt - probe.sentAt);
    phase.histogram[bucket] = (phase.histogram[bucket] ?? 0) + 1;
  }
}

/** Parley's device socket: ready once the service sent `ready` (it is subscribed from then on). */
function connectParley(url, token) {
  const socket = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`, {
    perMessageDeflate: false,
  });
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
          resolve(socket);
        }
        return;
      }
      receive(raw);
    });
    socket.once('error', (err) => !ready && fail(err));
    socket.once('unexpected-response', (_req, res) =>
      fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
    );
    socket.once('close', (code) => !ready && fail(new Error(`closed (${code}) before ready`)));
  });
}

/** The ceiling's socket: a plain WebSocket, subscribed once open. */
function connectWs(url) {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('not open in time'));
    }, CONNECT_TIMEOUT_MS);
    socket.on('message', (data) => receive(data.toString()));
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The peer's socket: WebSocket transport only, and a connection of its own (no multiplexing). */
function connectSocketIo(url) {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.on('event', (frame) => receive(frame));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

const connectors = {
  parley: (target, i) => connectParley(target.url, target.tokens[i]),
  ws: (target) => connectWs(target.url),
  socketio: (target) => connectSocketIo(target.url),
};

async function connect({ variant, target, count }) {
  const started = performance.now();
  const opened = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    CONNECTS_IN_FLIGHT,
    (i) => connectors[variant](target, i).catch((err) => err),
  );
  const failures = opened.filter((s) => s instanceof Error);
  sockets[variant].push(...opened.filter((s) => !(s instanceof Error)));
  return {
    connected: opened.length - failures.length,
    failed: failures.length,
    firstError: failures[0]?.message,
    seconds: (performance.now() - started) / 1000,
  };
}

function closeVariant(variant) {
  for (const socket of sockets[variant]) {
    if (variant === 'socketio') socket.close();
    else socket.terminate();
  }
  sockets[variant] = [];
}

const handlers = {
  connect,
  clock: () => ({ now: epochMs() }),
  phase({ phase, variant, windowStart, windowEnd }) {
    phases.set(phase, { variant, windowStart, windowEnd, inWindow: 0, total: 0, histogram: {} });
    return {};
  },
  totals: ({ phase }) => ({ total: phases.get(phase)?.total ?? 0 }),
  report({ phase }) {
    const p = phases.get(phase);
    phases.delete(phase);
    return { inWindow: p.inWindow, total: p.total, histogram: p.histogram };
  },
  close: ({ variant }) => (closeVariant(variant), {}),
};

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, ok: true, result: await handlers[cmd](args) });
  } catch (err) {
    process.send({ id, ok: false, error: err.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
