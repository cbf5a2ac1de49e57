import type { IncomingMessage, Server } from 'node:http';
import { extractBearerToken, type TokenVerifier } from '@parley/auth';
import type { Logger } from '@parley/logger';
import { TerminalErrorCode, TerminalMessages as M, WebTerminalMessage } from '@parley/protocol';
import {
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

interface TerminalIdentity {
  msisdn: string;
  mode: 'pipe' | 'multi';
}

/**
 * Browsers cannot speak gRPC streams, so they register over a WebSocket carrying the same
 * WebTerminalMessage in protobuf's canonical JSON, one message per text frame, into the same engine.
 * Sockets that miss a ping interval are dead peers: dropping them ends their calls.
 */
export class TerminalWsBridge {
  private readonly endpoint: WebSocketEndpoint<TerminalIdentity>;

  constructor(
    server: Server,
    private readonly coordinator: CallCoordinator,
    private readonly verifier: TokenVerifier,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.endpoint = new WebSocketEndpoint<TerminalIdentity>(server, {
      path: TERMINAL_WS_PATH,
      logger,
      maxPayloadBytes: 256 * 1024,
      heartbeatMs: 20_000,
      authenticate: (req, url) => this.authenticate(req, url),
      onOpen: (socket, identity) => this.open(socket, identity),
    });
    metrics?.sample(WebSocketMetrics.openConnections, () => [
      { labels: { endpoint: TERMINAL_WS_PATH }, value: this.endpoint.connections },
    ]);
  }

  /** Closes every terminal socket with 1001; their calls end as the sockets go. */
  close(): Promise<void> {
    return this.endpoint.close();
  }

  private async authenticate(req: IncomingMessage, url: URL): Promise<TerminalIdentity> {
    const mode = url.searchParams.get('mode') ?? 'multi';
    if (mode !== 'pipe' && mode !== 'multi')
      throw new ValidationError('mode must be pipe or multi', [
        { path: 'query.mode', message: 'pipe or multi' },
      ]);
    const { msisdn } = await authenticateTerminal(
      this.verifier,
      extractBearerToken({ headers: req.headers, url: req.url }),
    );
    return { msisdn, mode };
  }

  private async open(socket: ManagedSocket, { msisdn, mode }: TerminalIdentity): Promise<void> {
    const ws = socket.ws;
    // Listen before registering: frames a client sends at once are queued, not lost, and a socket that
    // closes while registering is still unregistered.
    const early: Array<{ data: RawData; isBinary: boolean }> = [];
    let closedEarly = false;
    const registered: { session?: TerminalSession } = {};
    ws.on('message', (data, isBinary) => {
      if (registered.session) this.receiveFrame(registered.session, data, isBinary);
      else early.push({ data, isBinary });
    });
    const unregister = () => {
      if (!registered.session) return;
      void this.coordinator
        .unregister(registered.session)
        .catch((err) => this.logger.warn({ err }, 'unregister failed'));
    };
    ws.on('close', () => {
      if (!registered.session) closedEarly = true;
      else unregister();
    });
    const session = await this.coordinator.register({ msisdn, mode }, (message) => {
      const wasOpen = socket.isOpen;
      if (socket.send(JSON.stringify(WebTerminalMessage.toJSON(message)))) return;
      // Not sent: the socket is closing. When it was open a moment ago, the peer stopped reading and the
      // endpoint closed it (4008, which the peer sees once it reads again). Its calls end now, not when the
      // close handshake gives up on a peer that does not answer.
      if (wasOpen) this.logger.warn({ msisdn, mode }, 'terminal stopped reading; socket closed');
      queueMicrotask(unregister);
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
