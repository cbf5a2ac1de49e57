import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@parley/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PreparedTextFrame, WebSocketEndpoint } from './websocket-endpoint.js';

let server: Server;
let endpoint: WebSocketEndpoint<{ user: string }>;
let fanoutEndpoint: WebSocketEndpoint<{ user: string }>;
let port: number;

// One of each length encoding (7-bit, 16-bit, 64-bit), non-ASCII text included.
const preparedTexts = ['petit ✓', 'é'.repeat(300), 'x'.repeat(70_000)];
const preparedFrames = preparedTexts.map((text) => new PreparedTextFrame(Buffer.from(text)));

beforeAll(async () => {
  server = createServer((_req, res) => res.end('plain http'));
  endpoint = new WebSocketEndpoint(server, {
    path: '/ws',
    logger: createLogger({ service: 'ws-endpoint-spec', level: 'silent' }),
    maxPayloadBytes: 1024,
    authenticate: async () => ({ user: 'ann' }),
    onOpen: (socket) => void socket.send('hello'),
  });
  // Prepared frames written to every socket between ordinary sends, as a fan-out does.
  fanoutEndpoint = new WebSocketEndpoint(server, {
    path: '/fanout',
    logger: createLogger({ service: 'ws-endpoint-spec', level: 'silent' }),
    maxPayloadBytes: 1024,
    authenticate: async () => ({ user: 'ann' }),
    onOpen: (socket) => {
      socket.send('first');
      for (const frame of preparedFrames) socket.send(frame);
      socket.send(Buffer.from('bytes ✓'));
      socket.send(preparedFrames[0]!);
      socket.send('last');
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await endpoint.close(100);
  await fanoutEndpoint.close(100);
  await new Promise((resolve) => server.close(resolve));
});

/** Sends an upgrade request with exactly this request target and returns the status line of the answer. */
function upgradeStatusLine(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    );
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to an upgrade to ${target}`)));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

function openSocket(): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.once('message', (data) => {
      ws.close();
      resolve(data.toString());
    });
    ws.once('error', reject);
  });
}

describe('WebSocketEndpoint upgrades', () => {
  it('refuses a request target that is not a valid path with 400 and keeps serving', async () => {
    for (const target of ['/\\', '//', '//?access_token=x', '/\\?x=1', '//a:99999/ws'])
      expect(await upgradeStatusLine(target), target).toBe('HTTP/1.1 400 Bad Request');
    expect(await openSocket()).toBe('hello');
  });

  it('answers an upgrade to an unknown path with 404 and accepts its own path', async () => {
    expect(await upgradeStatusLine('/elsewhere')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeStatusLine('/ws')).toBe('HTTP/1.1 101 Switching Protocols');
  });
});

describe('WebSocketEndpoint sessions that never become sockets', () => {
  /** An endpoint whose authenticate waits for `admit`, recording what was opened and what abandoned. */
  async function heldEndpoint() {
    const held = createServer();
    let admit!: () => void;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    let authenticated!: () => void;
    const reachedAuth = new Promise<void>((resolve) => (authenticated = resolve));
    const opened: string[] = [];
    let abandonedOne!: (user: string) => void;
    const abandoned = new Promise<string>((resolve) => (abandonedOne = resolve));
    const heldEndpoint = new WebSocketEndpoint<{ user: string }>(held, {
      path: '/held',
      logger: createLogger({ service: 'ws-endpoint-spec', level: 'silent' }),
      maxPayloadBytes: 1024,
      authenticate: async (_req, url) => {
        authenticated();
        if (url.searchParams.has('wait')) await admitted;
        return { user: url.searchParams.get('user') ?? '' };
      },
      onOpen: (_socket, session) => void opened.push(session.user),
      onAbandoned: (session) => abandonedOne(session.user),
    });
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const heldPort = (held.address() as AddressInfo).port;
    const close = async () => {
      await heldEndpoint.close(100);
      await new Promise((resolve) => held.close(resolve));
    };
    return { endpoint: heldEndpoint, heldPort, admit, reachedAuth, opened, abandoned, close };
  }

  function rawUpgrade(port: number, target: string, key = 'dGhlIHNhbXBsZSBub25jZQ==') {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
      ),
    );
    socket.on('error', () => undefined);
    return socket;
  }

  it('hands back the session of an upgrade the service stopped accepting while it was authenticated', async () => {
    const held = await heldEndpoint();
    const socket = rawUpgrade(held.heldPort, '/held?user=late&wait');
    await held.reachedAuth;
    const closing = held.endpoint.close(100);
    held.admit();
    expect(await held.abandoned).toBe('late');
    expect(held.opened).toEqual([]);
    socket.destroy();
    await closing;
    await held.close();
  });

  it('hands back the session of a handshake that ws refuses after authentication', async () => {
    const held = await heldEndpoint();
    try {
      const socket = rawUpgrade(held.heldPort, '/held?user=bad-key', 'not-a-key');
      expect(await held.abandoned).toBe('bad-key');
      expect(held.opened).toEqual([]);
      socket.destroy();
    } finally {
      await held.close();
    }
  });

  it('does not hand back the session of a socket that opened, when it closes later', async () => {
    const held = await heldEndpoint();
    let abandonedUser: string | undefined;
    void held.abandoned.then((user) => (abandonedUser = user));
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${held.heldPort}/held?user=kept`);
      await new Promise((resolve) => ws.once('open', resolve));
      await new Promise((resolve) => {
        ws.once('close', resolve);
        ws.close();
      });
      // A refused handshake after it: its hand-back is the first and only one.
      rawUpgrade(held.heldPort, '/held?user=second', 'not-a-key');
      expect(await held.abandoned).toBe('second');
      expect(abandonedUser).toBe('second');
      expect(held.opened).toEqual(['kept']);
    } finally {
      await held.close();
    }
  });
});

/** Every message a new socket on `path` receives up to `last`, with whether it came as text. */
function receiveUntilLast(path: string): Promise<Array<{ text: string; binary: boolean }>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const received: Array<{ text: string; binary: boolean }> = [];
    ws.on('message', (data, isBinary) => {
      received.push({ text: data.toString(), binary: isBinary });
      if (data.toString() === 'last') {
        ws.close();
        resolve(received);
      }
    });
    ws.once('error', reject);
  });
}

describe('ManagedSocket sends', () => {
  it('delivers prepared frames of every length as text, in order with ordinary sends, on every socket', async () => {
    const expected = ['first', ...preparedTexts, 'bytes ✓', preparedTexts[0]!, 'last'].map((text) => ({
      text,
      binary: false,
    }));
    const sockets = await Promise.all([1, 2, 3].map(() => receiveUntilLast('/fanout')));
    for (const received of sockets) expect(received).toEqual(expected);
  });
});
