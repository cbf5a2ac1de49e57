import type { IncomingMessage, Server } from 'node:http';
import { extractBearerToken, type TokenVerifier } from '@parley/auth';
import type { Logger } from '@parley/logger';
import { TerminalErrorCode, TerminalMessages as M, WebTerminalMessage } from '@parley/protocol';
import {
  UnavailableError,
  ValidationError,
  WebSocketEndpoint,
  WebSocketMetrics,
  type ManagedSocket,
  type ServiceMetrics,
} from '@parley/service-kit';
import type { RawData } from 'ws';
import type { CallCoordinator } from '../calls/call-coordinator.js';
import type { TerminalSession } from '../terminals/terminal-session.js';
import { authenticateTerminal } from '../terminals/terminal-auth.js';

export const TERMINAL_WS_PATH = '/v1/terminal';

/** A terminal registered at the upgrade, and where its messages go until and after its socket opens. */
interface BridgeTerminal {
  session: TerminalSession;
  outlet: SocketOutlet;
}

/**
 * The socket side of a terminal registered before its socket exists: frames the core sends meanwhile (an
 * incoming Offer, a Pipe's Idle) wait here and go out, in order, once the socket opens.
 */
class SocketOutlet {
  private socket: ManagedSocket | undefined;
  private readonly waiting: string[] = [];

  constructor(private readonly onStalled: (wasOpen: boolean) => void) {}

  send(frame: string): void {
    if (!this.socket) {
      this.waiting.push(frame);
      return;
    }
    const wasOpen = this.socket.isOpen;
    if (!this.socket.send(frame)) this.onStalled(wasOpen);
  }

  attach(socket: ManagedSocket): void {
    this.socket = socket;
    for (const frame of this.waiting.splice(0)) this.send(frame);
  }
}

/**
 * Browsers cannot speak gRPC streams, so they register over a WebSocket carrying the same
 * WebTerminalMessage in protobuf's canonical JSON, one message per text frame, into the same engine.
 * The terminal is registered during the upgrade, so a socket that opens is a registered terminal (a call
 * placed to it at once rings it), and a directory that is away refuses the upgrade with 503.
 * Sockets that miss a ping interval are dead peers: dropping them ends their calls.
 */
export class TerminalWsBridge {
  private readonly endpoint: WebSocketEndpoint<BridgeTerminal>;

  constructor(
    server: Server,
    private readonly coordinator: CallCoordinator,
    private readonly verifier: TokenVerifier,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.endpoint = new WebSocketEndpoint<BridgeTerminal>(server, {
      path: TERMINAL_WS_PATH,
      logger,
      maxPayloadBytes: 256 * 1024,
      heartbeatMs: 20_000,
      authenticate: (req, url) => this.register(req, url),
      onOpen: (socket, terminal) => this.open(socket, terminal),
      onAbandoned: ({ session }) => this.unregister(session),
    });
    metrics?.sample(WebSocketMetrics.openConnections, () => [
      { labels: { endpoint: TERMINAL_WS_PATH }, value: this.endpoint.connections },
    ]);
  }

  /** Closes every terminal socket with 1001; their calls end as the sockets go. */
  close(): Promise<void> {
    return this.endpoint.close();
  }

  private async register(req: IncomingMessage, url: URL): Promise<BridgeTerminal> {
    const mode = url.searchParams.get('mode') ?? 'multi';
    if (mode !== 'pipe' && mode !== 'multi')
      throw new ValidationError('mode must be pipe or multi', [
        { path: 'query.mode', message: 'pipe or multi' },
      ]);
    const { msisdn } = await authenticateTerminal(
      this.verifier,
      extractBearerToken({ headers: req.headers, url: req.url }),
    );
    const outlet = new SocketOutlet((wasOpen) => {
      // Not sent: the socket is closing. When it was open a moment ago, the peer stopped reading and the
      // endpoint closed it (4008, which the peer sees once it reads again). Its calls end now, not when the
      // close handshake gives up on a peer that does not answer.
      if (wasOpen) this.logger.warn({ msisdn, mode }, 'terminal stopped reading; socket closed');
      queueMicrotask(() => this.unregister(session));
    });
    let session: TerminalSession;
    try {
      session = await this.coordinator.register({ msisdn, mode }, (message) =>
        outlet.send(JSON.stringify(WebTerminalMessage.toJSON(message))),
      );
    } catch (err) {
      this.logger.warn({ err, msisdn, mode }, 'could not register a terminal');
      throw new UnavailableError('cannot register the terminal right now; reconnect');
    }
    return { session, outlet };
  }

  private open(socket: ManagedSocket, { session, outlet }: BridgeTerminal): void {
    socket.ws.on('message', (data, isBinary) => this.receiveFrame(session, data, isBinary));
    socket.ws.on('close', () => this.unregister(session));
    outlet.attach(socket);
  }

  private unregister(session: TerminalSession): void {
    void this.coordinator.unregister(session).catch((err) => this.logger.warn({ err }, 'unregister failed'));
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
