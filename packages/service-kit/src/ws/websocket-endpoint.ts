import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@parley/logger';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeFailure, failureToHttp, WsCloseCodes, type Failure } from '../errors/failure.js';

/**
 * A text frame framed once for writing to many sockets: the WebSocket header and the payload in one Buffer,
 * so each socket costs one write of the same bytes instead of a header, a copy and a two-part write.
 */
export class PreparedTextFrame {
  /** The whole frame as it goes on the wire (server frames are never masked). */
  readonly bytes: Buffer;

  /** `payload`: the text as UTF-8 bytes. */
  constructor(readonly payload: Buffer) {
    // RFC 6455 §5.2: FIN + text opcode, then the length in 7 bits, or 126 + 16 bits, or 127 + 64 bits.
    const length = payload.length;
    const headerBytes = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const bytes = Buffer.allocUnsafe(headerBytes + length);
    bytes[0] = 0x81;
    if (length < 126) bytes[1] = length;
    else if (length < 65536) {
      bytes[1] = 126;
      bytes.writeUInt16BE(length, 2);
    } else {
      bytes[1] = 127;
      bytes.writeBigUInt64BE(BigInt(length), 2);
    }
    payload.copy(bytes, headerBytes);
    this.bytes = bytes;
  }
}

/** The parts of a `ws` socket that say whether its own sender may be bypassed (see `writePrepared`). */
interface WsInternals {
  _socket?: Duplex & { writable: boolean };
  _sender?: { _state?: unknown; _queue?: unknown[] };
}
/** ws's Sender state when it writes frames synchronously (not deflating, not reading a Blob). */
const SENDER_IDLE = 0;

/** One accepted socket, with sends bounded by what the peer has read. */
export class ManagedSocket {
  /** Set by the heartbeat: false after a ping until the peer's pong arrives. */
  alive = true;

  constructor(
    readonly ws: WebSocket,
    private readonly maxBufferedBytes: number,
  ) {}

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /**
   * Sends a text frame. A peer that stopped reading (its unsent data passed the limit) is disconnected
   * rather than buffered without end; clients repair what they missed by seq when they reconnect.
   *
   * `data` may be UTF-8 bytes already: a frame fanned out to many sockets is then encoded once and the same
   * Buffer is written to each of them (ws does not copy an unmasked payload), instead of once per socket.
   */
  send(data: string | Buffer | PreparedTextFrame): boolean {
    if (!this.isOpen) return false;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(WsCloseCodes.slowConsumer, 'send buffer full: reconnect and catch up');
      return false;
    }
    if (data instanceof PreparedTextFrame) {
      if (!this.writePrepared(data)) this.ws.send(data.payload, { binary: false });
    } else this.ws.send(data, { binary: false });
    return true;
  }

  /**
   * Writes a prepared frame straight to the TCP socket, as ws itself would, when that cannot reorder or
   * corrupt the stream: no extension is negotiated (a compressed stream could not take it) and ws's sender
   * is idle with nothing queued, so its own frames (replies, pings, the close) are written synchronously and
   * stay in order with these. Otherwise, or on a ws that no longer looks like this, returns false and the
   * caller sends through ws.
   */
  private writePrepared(frame: PreparedTextFrame): boolean {
    if (this.ws.extensions !== '') return false;
    const { _socket: socket, _sender: sender } = this.ws as unknown as WsInternals;
    if (!socket?.writable || sender?._state !== SENDER_IDLE || sender._queue?.length !== 0) return false;
    socket.write(frame.bytes);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }
}

export interface WebSocketEndpointOptions<S> {
  path: string;
  logger: Logger;
  maxPayloadBytes: number;
  /** Unsent bytes allowed per socket before it is closed as a slow consumer (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Ping interval; a socket that has not answered the previous ping is terminated (default 30 s). */
  heartbeatMs?: number;
  /** Decides who connects, before the upgrade: throw an auth or domain error to refuse with its status. */
  authenticate: (req: IncomingMessage, url: URL) => Promise<S>;
  /** A socket was accepted for `session`. */
  onOpen: (socket: ManagedSocket, session: S, req: IncomingMessage) => void | Promise<void>;
  /**
   * `authenticate` succeeded but no socket came of it (ws refused the handshake, the service began
   * closing, the connection was already gone): undo what it set up for `session`. A client that leaves
   * unnoticed gets a socket that closes at once instead, so `onOpen` sees it.
   */
  onAbandoned?: (session: S) => void;
}

const endpointsByServer = new WeakMap<Server, Map<string, WebSocketEndpoint<unknown>>>();

/**
 * A WebSocket path on a service's HTTP server: authenticated at the upgrade (a refused client gets a
 * plain HTTP status and an ErrorBody, never a socket), kept honest with pings, bounded per socket, and
 * closed with 1001 when the service stops. Several endpoints share one server; unknown paths get 404.
 */
export class WebSocketEndpoint<S> {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<ManagedSocket>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private accepting = true;

  constructor(
    private readonly server: Server,
    private readonly options: WebSocketEndpointOptions<S>,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    let endpoints = endpointsByServer.get(server);
    if (!endpoints) {
      const byPath = new Map<string, WebSocketEndpoint<unknown>>();
      endpoints = byPath;
      endpointsByServer.set(server, byPath);
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        // Node hands over the socket without its own error listener: a peer resetting it must not crash us.
        socket.on('error', () => undefined);
        const url = parseRequestTarget(req.url);
        if (!url) {
          rejectUpgrade(socket, {
            kind: 'invalid',
            code: 'bad_request',
            message: 'the request target is not a valid path',
          });
          return;
        }
        const endpoint = byPath.get(url.pathname);
        if (!endpoint) {
          rejectUpgrade(socket, {
            kind: 'not_found',
            code: 'no_route',
            message: 'no WebSocket at this path',
          });
          return;
        }
        void endpoint.upgrade(req, socket, head, url);
      });
    }
    endpoints.set(options.path, this as WebSocketEndpoint<unknown>);
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  get connections(): number {
    return this.sockets.size;
  }

  /**
   * Stops accepting, closes every socket with 1001 so clients reconnect elsewhere, and waits for them to
   * close (terminating those that do not within `graceMs`).
   */
  async close(graceMs = 2000): Promise<void> {
    this.accepting = false;
    clearInterval(this.heartbeat);
    endpointsByServer.get(this.server)?.delete(this.options.path);
    const closing = [...this.sockets].map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.ws.readyState === s.ws.CLOSED) return resolve();
          s.ws.once('close', () => resolve());
          s.close(WsCloseCodes.goingAway, 'server shutting down');
        }),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(closing), grace]);
    for (const s of this.sockets) s.ws.terminate();
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    if (!this.accepting) {
      rejectUpgrade(socket, { kind: 'unavailable', code: 'closing', message: 'server shutting down' });
      return;
    }
    let session: S;
    try {
      session = await this.options.authenticate(req, url);
    } catch (err) {
      const failure = describeFailure(err);
      if (failure.kind === 'internal') {
        // Not a bad credential: the check itself failed (e.g. the JWKS did not answer).
        this.options.logger.warn({ err, path: this.options.path }, 'cannot authenticate WebSocket upgrade');
        rejectUpgrade(socket, {
          kind: 'unavailable',
          code: 'unavailable',
          message: 'cannot verify credentials right now',
        });
      } else rejectUpgrade(socket, failure);
      return;
    }
    let opened = false;
    const abandon = () => {
      if (!opened) this.options.onAbandoned?.(session);
    };
    if (!this.accepting || socket.destroyed) {
      socket.destroy();
      abandon();
      return;
    }
    // A handshake that ws refuses (or a client that leaves) ends in the socket closing without a callback.
    socket.once('close', abandon);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      opened = true;
      socket.off('close', abandon);
      const managed = new ManagedSocket(ws, this.options.maxBufferedBytes ?? 4 * 1024 * 1024);
      this.sockets.add(managed);
      ws.on('pong', () => (managed.alive = true));
      ws.on('close', () => this.sockets.delete(managed));
      ws.on('error', (err) => this.options.logger.debug({ err, path: this.options.path }, 'socket error'));
      void Promise.resolve(this.options.onOpen(managed, session, req)).catch((err: unknown) => {
        this.options.logger.error({ err, path: this.options.path }, 'WebSocket open failed');
        managed.close(WsCloseCodes.internal, 'internal error');
      });
    });
  }

  private checkHeartbeats(): void {
    for (const s of this.sockets) {
      if (!s.alive) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      s.ws.ping();
    }
  }
}

/**
 * The request target as a URL, or undefined when it is not one: a target such as `/\` or `//` reads as
 * an authority without a host, which `new URL` refuses by throwing.
 */
function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** Answers a refused upgrade with a plain HTTP response in the ErrorBody format. */
export function rejectUpgrade(socket: Duplex, failure: Failure): void {
  const http = failureToHttp(failure);
  const body = JSON.stringify(http.body);
  const headers = Object.entries(http.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${http.status} ${http.body.error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
  );
}
