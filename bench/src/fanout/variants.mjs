import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Emitter } from '@socket.io/redis-emitter';
import { freePort, startService } from '@parley/testing';
import { Redis } from 'ioredis';
import { MessagingLimits } from '@parley/protocol';
import { progress } from '../lib/report.mjs';
import { retryOnReset } from '../lib/http-client.mjs';
import { messagingApi } from '../messaging/api.mjs';
import { redisUrl, startMessagingService } from '../messaging/service.mjs';
import { epochMs, eventFrame, probeText } from './probe.mjs';

const WS_SERVER_JS = fileURLToPath(new URL('./ws-server.mjs', import.meta.url));
/** Messaging's envelope of a frame for a list of users: `delivery` sends publish what a commit would. */
const FRAMES_TO_USERS_JS = new URL(
  '../../../apps/messaging/dist/realtime/frames-to-users.js',
  import.meta.url,
);
const SOCKETIO_SERVER_JS = fileURLToPath(new URL('./socketio-server.mjs', import.meta.url));

const parseJson = (line) => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

/**
 * Parley: the built messaging service. Per size, a fresh group conversation whose members' devices are
 * the sockets; one member sends every message through the API, and the service publishes each committed
 * `message.sent` event once, with the members' ids, to every node, which writes it to its device sockets.
 * With `parleySends: 'delivery'` the benchmark publishes those frames itself instead of POSTing (settings.mjs).
 */
export async function startParley(onStop, { devicesPerUser, parleySends }) {
  const service = await startMessagingService({
    // The sockets of a size stay connected for several minutes.
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  });
  onStop(service.stop);
  // Closed a while before the service's keep-alive timeout, so the pause between rounds resets nothing.
  const api = messagingApi(service.url, { maxSockets: 64, idleTimeoutMs: 3000 });
  let group;
  let sender;
  let memberIds;
  let publishCommitted;
  if (parleySends === 'delivery') {
    const { FRAMES_TO_USERS_CHANNEL, encodeFrameToUsers } = await import(FRAMES_TO_USERS_JS);
    // The channel key as the service's RealtimeFanout names it: `<prefix>:rt:<channel>`.
    const channel = `${service.redisPrefix}:rt:${FRAMES_TO_USERS_CHANNEL}`;
    const publisher = new Redis(redisUrl, { maxRetriesPerRequest: null });
    publisher.on('error', (err) => progress(`parley publisher: ${err.message}`));
    onStop(async () => (publisher.disconnect(), true));
    publishCommitted = (index, text) =>
      publisher.publish(channel, encodeFrameToUsers(memberIds, eventFrame(group.id, index, text)));
  }
  return {
    name: 'parley',
    label: 'Parley',
    pid: service.pid,
    exited: service.exited,
    /** Signs up sockets / devicesPerUser users, puts them in one group and returns one token per socket. */
    async prepare(sockets) {
      const userCount = Math.ceil(sockets / devicesPerUser);
      const users = await api.signUpMany(`fan${sockets}x`, userCount);
      [sender] = users;
      memberIds = users.map((u) => u.id);
      // A create or add request takes at most maxParticipantsPerRequest others; larger groups grow in batches.
      const batch = MessagingLimits.maxParticipantsPerRequest;
      group = await api.createGroup(sender, users.slice(1, 1 + batch));
      for (let from = 1 + batch; from < users.length; from += batch) {
        const res = await api.http.post(`/v1/conversations/${group.id}/participants`, sender.token, {
          participants: users.slice(from, from + batch).map((u) => ({ userId: u.id })),
        });
        if (res.status !== 201)
          throw new Error(`add participants: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      }
      const tokens = Array.from({ length: sockets }, (_, i) => users[i % userCount].token);
      return {
        target: { url: `${service.url.replace(/^http/, 'ws')}/v1/realtime`, tokens },
        detail: { users: userCount, devicesPerUser, sends: parleySends },
      };
    },
    /** Starts one send; resolves with the HTTP status (201 when committed and published). */
    send(phase, index) {
      const sentAt = epochMs();
      if (publishCommitted)
        return publishCommitted(index, probeText(phase, index, sentAt)).then(
          () => 201,
          (err) => err.message,
        );
      // The same clientMessageId again after a reset: a 200 is the first attempt's message, committed.
      return retryOnReset(async (attempt) => {
        const res = await api.sendText(sender, group.id, `fan-${phase}-${index}`, probeText(phase, index, sentAt));
        return attempt > 1 && res.status === 200 ? 201 : res.status;
      }).catch((err) => err.code ?? err.message);
    },
    close: () => api.close(),
  };
}

async function startFanoutServer(onStop, { name, mainJs, env }) {
  const port = await freePort();
  let service;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      const result = await service?.stop(5000);
      progress(`stopped the ${name} server (${result?.signal ?? `exit ${result?.code}`})`);
      return true;
    })());
  onStop(stop);
  await startService({
    name,
    main: mainJs,
    env: { FANOUT_PORT: String(port), REDIS_URL: redisUrl, ...env },
    readyLine: (line) => parseJson(line)?.msg === 'fanout server listening',
    startTimeoutMs: 15_000,
    onOutputLine: (line) => {
      const entry = parseJson(line);
      if (!entry || entry.level >= 40) process.stderr.write(`[${name}] ${line}\n`);
    },
    onSpawn: (spawned) => (service = spawned),
  });
  progress(`${name} server (pid ${service.child.pid}) listening on 127.0.0.1:${port}`);
  return { port, pid: service.child.pid, exited: service.exited };
}

/** The ceiling: a bare `ws` server fed by one Redis PUBLISH per message (ws-server.mjs). */
export async function startWsCeiling(onStop) {
  const channel = `ptest:t_bench_fanout_${randomBytes(4).toString('hex')}`;
  const { port, pid, exited } = await startFanoutServer(onStop, {
    name: 'ws',
    mainJs: WS_SERVER_JS,
    env: { FANOUT_CHANNEL: channel },
  });
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: null });
  publisher.on('error', (err) => progress(`ws publisher: ${err.message}`));
  onStop(async () => (publisher.disconnect(), true));
  return {
    name: 'ws',
    label: 'ws (ceiling)',
    pid,
    exited,
    prepare: async () => ({ target: { url: `ws://127.0.0.1:${port}` }, detail: {} }),
    send(phase, index) {
      const sentAt = epochMs();
      return publisher.publish(channel, eventFrame('ws', index, probeText(phase, index, sentAt))).then(
        () => 201,
        (err) => err.message,
      );
    },
    close: async () => undefined,
  };
}

/** The peer: Socket.IO with the Redis adapter, fed by the Redis emitter (socketio-server.mjs). */
export async function startSocketIoPeer(onStop) {
  const key = `ptest:t_bench_fanout_sio_${randomBytes(4).toString('hex')}`;
  const room = 'fanout';
  const { port, pid, exited } = await startFanoutServer(onStop, {
    name: 'socket.io',
    mainJs: SOCKETIO_SERVER_JS,
    env: { FANOUT_KEY: key, FANOUT_ROOM: room },
  });
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: null });
  publisher.on('error', (err) => progress(`socket.io emitter: ${err.message}`));
  onStop(async () => (publisher.disconnect(), true));
  const emitter = new Emitter(publisher, { key });
  return {
    name: 'socketio',
    label: 'Socket.IO + Redis adapter',
    pid,
    exited,
    prepare: async () => ({ target: { url: `http://127.0.0.1:${port}` }, detail: {} }),
    async send(phase, index) {
      const sentAt = epochMs();
      emitter.to(room).emit('event', eventFrame('socketio', index, probeText(phase, index, sentAt)));
      return 201;
    },
    close: async () => undefined,
  };
}
