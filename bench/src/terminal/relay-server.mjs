// The ceiling: a bare grpc-js server with the core's service definition that relays every message from
// one stream to the other stream of its pair, nothing else (no auth, no Redis, no call state). Runs as a
// child process of the benchmark, like the core. Env: RELAY_PORT. Logs JSON lines on stdout.
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { WebTerminalServiceService } from '@parley/protocol/grpc';

const PAIR_HEADER = 'x-bench-pair';

const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`);

/** pair id -> the streams (at most two) that opened with it. */
const pairs = new Map();
let paired = 0;
let dropped = 0;

function relay(stream) {
  const id = stream.metadata.get(PAIR_HEADER)[0]?.toString();
  const members = pairs.get(id) ?? [];
  if (!id || members.length >= 2) {
    stream.emit('error', { code: status.INVALID_ARGUMENT, details: `one ${PAIR_HEADER} per two streams` });
    return;
  }
  members.push(stream);
  pairs.set(id, members);
  if (members.length === 2) log('relay paired', { pairs: ++paired });

  stream.on('data', (message) => {
    const peer = members.find((s) => s !== stream);
    if (peer && !peer.writableEnded && !peer.destroyed) peer.write(message);
    else dropped++;
  });
  let gone = false;
  const leave = () => {
    if (gone) return;
    gone = true;
    members.splice(members.indexOf(stream), 1);
    if (members.length === 0) pairs.delete(id);
  };
  stream.on('end', () => {
    leave();
    stream.end();
  });
  for (const event of ['cancelled', 'error', 'close']) stream.on(event, leave);
}

const server = new Server({ 'grpc.max_receive_message_length': 256 * 1024 });
server.addService(WebTerminalServiceService, { pipe: relay, multiPipe: relay });
server.bindAsync(
  `127.0.0.1:${process.env.RELAY_PORT ?? 0}`,
  ServerCredentials.createInsecure(),
  (err, port) => {
    if (err) {
      log('relay failed to start', { error: err.message, level: 60 });
      process.exit(1);
    }
    log('relay listening', { port });
  },
);

process.once('SIGTERM', () => {
  if (dropped > 0) log('relay dropped messages without a peer', { dropped, level: 40 });
  const force = setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 2000);
  server.tryShutdown(() => {
    clearTimeout(force);
    process.exit(0);
  });
});
