import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AuthenticationError,
  AuthorizationError,
  extractBearerToken,
  type TokenVerifier,
} from '@parley/auth';
import type { Logger } from '@parley/logger';
import { TerminalErrorCode, TerminalMessages as M, WebTerminalMessage } from '@parley/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { CallCoordinator } from '../calls/call-coordinator.js';
import type { TerminalSession } from '../terminals/terminal-session.js';
import { authenticateTerminal, MissingMsisdnError } from '../terminals/terminal-auth.js';

export const TERMINAL_WS_PATH = '/v1/terminal';

/**
 * Browsers cannot speak gRPC streams, so they register over a WebSocket carrying the same
 * WebTerminalMessage in protobuf's canonical JSON, one message per text frame, into the same engine.
 */
export class TerminalWsBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    void this.upgrade(req, socket, head);
  private readonly alive = new WeakMap<WebSocket, boolean>();
  // Sockets that miss a ping interval are dead peers: dropping them ends their calls.
  private readonly heartbeat = setInterval(() => {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }, 20_000);

  constructor(
    private readonly server: Server,
    private readonly coordinator: CallCoordinator,
    private readonly verifier: TokenVerifier,
    private readonly logger: Logger,
  ) {
    server.on('upgrade', this.onUpgrade);
    this.heartbeat.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.server.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TERMINAL_WS_PATH) return reject(socket, 404, 'Not Found', 'no such path');
    const modeParam = url.searchParams.get('mode') ?? 'multi';
    if (modeParam !== 'pipe' && modeParam !== 'multi')
      return reject(socket, 400, 'Bad Request', 'mode must be pipe or multi');
    let msisdn: string;
    try {
      ({ msisdn } = await authenticateTerminal(
        this.verifier,
        extractBearerToken({ headers: req.headers, url: req.url }),
      ));
    } catch (err) {
      if (err instanceof AuthenticationError) return reject(socket, 401, 'Unauthorized', err.reason);
      if (err instanceof AuthorizationError || err instanceof MissingMsisdnError)
        return reject(socket, 403, 'Forbidden', err.message);
      this.logger.warn({ err }, 'terminal authentication unavailable');
      return reject(socket, 503, 'Service Unavailable', 'cannot verify credentials right now');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, msisdn, modeParam));
  }

  private async open(ws: WebSocket, msisdn: string, mode: 'pipe' | 'multi'): Promise<void> {
    // Listen before registering: frames a client sends at once are queued, not lost, and a socket that
    // closes while registering is still unregistered.
    const early: Array<{ data: RawData; isBinary: boolean }> = [];
    let closedEarly = false;
    const registered: { session?: TerminalSession } = {};
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      if (registered.session) this.receiveFrame(registered.session, data, isBinary);
      else early.push({ data, isBinary });
    });
    ws.on('close', () => {
      if (!registered.session) {
        closedEarly = true;
        return;
      }
      void this.coordinator
        .unregister(registered.session)
        .catch((err) => this.logger.warn({ err }, 'unregister failed'));
    });
    ws.on('error', () => undefined);
    const session = await this.coordinator.register({ msisdn, mode }, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(WebTerminalMessage.toJSON(message)));
    });
    registered.session = session;
    if (closedEarly) {
      await this.coordinator.unregister(session);
      return;
    }
    for (const frame of early.splice(0)) this.receiveFrame(session, frame.data, frame.isBinary);
  }

  private receiveFrame(session: TerminalSession, data: RawData, isBinary: boolean): void {
    let message: WebTerminalMessage;
    try {
      if (isBinary) throw new Error('binary frame');
      message = WebTerminalMessage.fromJSON(JSON.parse(data.toString()));
    } catch {
      session.send(M.error('', TerminalErrorCode.UNKNOWN, 'frames are WebTerminalMessage in canonical JSON'));
      return;
    }
    // One at a time per terminal, so a burst is decided in the order it was sent.
    session.inbound = session.inbound
      .then(() => this.coordinator.receive(session, message))
      .catch((err) => this.logger.error({ err }, 'terminal message failed'));
  }
}

function reject(socket: Duplex, status: number, text: string, reason: string): void {
  const body = JSON.stringify({ statusCode: status, error: text, message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
