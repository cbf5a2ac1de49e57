import type { WebTerminalMessage } from '@parley/protocol';
import type { ConnectionState, WebSocketFactory } from '../realtime/realtime-connection.js';
import { ReconnectingSocket } from '../realtime/reconnecting-socket.js';
import { decodeTerminalMessage, encodeTerminalMessage } from './terminal-messages.js';

export type TerminalMode = 'multi' | 'pipe';

export interface TerminalConnectionOptions {
  /** Base URL of terminal-core, e.g. ws://localhost:3002 (the path /v1/terminal is added when missing). */
  url: string;
  mode: TerminalMode;
  createWebSocket: WebSocketFactory;
  accessToken: () => string;
  /** Called when an upgrade was refused before opening (most often an expired token) before retrying. */
  refreshToken?: () => Promise<void>;
  onMessage: (message: WebTerminalMessage) => void;
  onStateChange: (state: ConnectionState) => void;
  /** Backoff bounds, for tests. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/** The WebSocket URL for a token: `<url>/v1/terminal?access_token=…&mode=…`. */
export function terminalSocketUrl(base: string, accessToken: string, mode: TerminalMode): string {
  const url = new URL(base);
  if (!url.pathname.replace(/\/+$/, '').endsWith('/v1/terminal'))
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/terminal`;
  url.searchParams.set('access_token', accessToken);
  url.searchParams.set('mode', mode);
  return url.toString();
}

/**
 * The terminal's registration: one WebSocket to terminal-core that stays up (a ReconnectingSocket, like the
 * messaging connection). The bridge registers the terminal before it accepts the socket, so the terminal
 * is registered once the socket opens; a core that cannot register it refuses the upgrade, and the socket
 * tries again.
 */
export class TerminalConnection {
  private readonly socket: ReconnectingSocket;

  constructor(private readonly options: TerminalConnectionOptions) {
    this.socket = new ReconnectingSocket({
      url: () => terminalSocketUrl(options.url, options.accessToken(), options.mode),
      createWebSocket: options.createWebSocket,
      onOpen: () => this.socket.markOnline(),
      onMessage: (data) => {
        const message = decodeTerminalMessage(data);
        if (message) options.onMessage(message);
      },
      onClose: (_code, opened) => {
        // A refused upgrade (401/403) never opens: renew the token (when the app can) before retrying.
        if (!opened) void options.refreshToken?.().catch(() => undefined);
      },
      onStateChange: options.onStateChange,
      stopReason: 'terminal unregistered',
      minReconnectDelayMs: options.minReconnectDelayMs,
      maxReconnectDelayMs: options.maxReconnectDelayMs,
    });
  }

  get currentState(): ConnectionState {
    return this.socket.currentState;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }

  /** Sends one message; false when the socket is not open (the caller decides what that means). */
  send(message: WebTerminalMessage): boolean {
    if (this.socket.currentState !== 'online') return false;
    return this.socket.send(encodeTerminalMessage(message));
  }

  /** Reconnects at once (e.g. the network came back), skipping the backoff wait. */
  reconnectNow(): void {
    this.socket.reconnectNow();
  }
}
