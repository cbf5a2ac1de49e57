// The peer: a Socket.IO server with the Redis adapter, every client in one room. Broadcasts come from the
// benchmark process through `@socket.io/redis-emitter` (one PUBLISH per message), which is how a process
// that holds no sockets (an API node) reaches a Socket.IO cluster; the adapter here receives it and writes
// it to the room's sockets. WebSocket transport only. Runs as a child process of the benchmark.
// Env: FANOUT_PORT, REDIS_URL, FANOUT_KEY, FANOUT_ROOM. Logs JSON lines on stdout.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`);

// ioredis without a per-request retry limit or command timeout: under overload a command waits instead of
// rejecting, and every error is logged rather than left as an unhandled rejection.
const redisOptions = { maxRetriesPerRequest: null, enableOfflineQueue: true };
const pub = new Redis(process.env.REDIS_URL, redisOptions);
const sub = pub.duplicate();
for (const [name, client] of [
  ['pub', pub],
  ['sub', sub],
])
  client.on('error', (err) => log('redis error', { level: 50, client: name, err: err.message }));
process.on('unhandledRejection', (err) => log('unhandled rejection', { level: 50, err: String(err) }));

const httpServer = createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  adapter: createAdapter(pub, sub, {
    key: process.env.FANOUT_KEY,
    // Only server-side requests (fetchSockets, serverSideEmit) wait for this; none are made, but a slow
    // Redis must not turn into rejections either.
    requestsTimeout: 60_000,
  }),
});
io.of('/').adapter.on('error', (err) => log('adapter error', { level: 50, err: String(err) }));
io.on('connection', (socket) => socket.join(process.env.FANOUT_ROOM));

process.on('SIGTERM', () => {
  io.close(() => {
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  });
});

httpServer.listen(Number(process.env.FANOUT_PORT), '127.0.0.1', () => log('fanout server listening'));
