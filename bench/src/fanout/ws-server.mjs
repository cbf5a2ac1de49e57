// The ceiling: a bare `ws` server with no authentication and no persistence. It subscribes to one Redis
// channel and, for each message, builds the WebSocket frame once and writes that same buffer to every
// connected socket. Runs as a child process of the benchmark, like the service.
// Env: FANOUT_PORT, REDIS_URL, FANOUT_CHANNEL. Logs JSON lines on stdout.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Sender, WebSocket, WebSocketServer } from 'ws';

const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`);

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: true });

let written = 0;
let skipped = 0;
const subscriber = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
subscriber.on('error', (err) => log('redis error', { level: 50, err: err.message }));
subscriber.on('messageBuffer', (_channel, message) => {
  // One frame for all sockets: header and payload built once, the same buffers written to each socket.
  const frame = Sender.frame(message, {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  const bytes = frame.length === 1 ? frame[0] : Buffer.concat(frame);
  for (const client of wss.clients) {
    // Bypassing ws's sender is safe here: this server never sends anything else on these sockets.
    const socket = client._socket;
    if (client.readyState === WebSocket.OPEN && socket?.writable) {
      socket.write(bytes);
      written++;
    } else skipped++;
  }
});

process.on('SIGTERM', () => {
  log('ws ceiling stopping', { written, skipped });
  for (const client of wss.clients) client.terminate();
  subscriber.disconnect();
  server.close(() => process.exit(0));
});

await subscriber.subscribe(process.env.FANOUT_CHANNEL);
server.listen(Number(process.env.FANOUT_PORT), '127.0.0.1', () => log('fanout server listening'));
