import type { WebTerminalMessage } from '@parley/protocol';
import type { ConnectionState, WebSocketFactory, WebSocketLike } from '../realtime/realtime-connection.js';
import { reconnectDelayMs } from '../realtime/reconnect-delay.js';
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
 * The terminal's registration: one WebSocket to terminal-core that stays up. Reconnects with backoff and
 * jitter after any drop and follows the browser's online/offline signals, like the messaging connection.
 * The bridge has no hello frame: the terminal counts as registered once the socket opens.
 */
export class TerminalConnection {
  private socket: WebSocketLike | undefined;
  private attempt = 0;
  private stopped = true;
  private state: ConnectionState = 'closed';
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.dropSocket('browser is offline');

  constructor(private readonly options: TerminalConnectionOptions) {}

  get currentState(): ConnectionState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const g = globalThis as { addEventListener?: (n: string, f: () => void) => void };
    g.addEventListener?.('online', this.onOnline);
    g.addEventListener?.('offline', this.onOffline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    const g = globalThis as { removeEventListener?: (n: string, f: () => void) => void };
    g.removeEventListener?.('online', this.onOnline);
    g.removeEventListener?.('offline', this.onOffline);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      try {
        socket.close(1000, 'terminal unregistered');
      } catch {
        /* already closed */
      }
    }
    this.setState('closed');
  }

  /** Sends one message; false when the socket is not open (the caller decides what that means). */
  send(message: WebTerminalMessage): boolean {
    if (!this.socket || this.socket.readyState !== 1 || this.state !== 'online') return false;
    this.socket.send(encodeTerminalMessage(message));
    return true;
  }

  /** Reconnects at once (e.g. the network came back), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.socket) this.dropSocket('reconnecting');
    else {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.open();
    }
  }

  private open(): void {
    if (this.stopped) return;
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.options.createWebSocket(
        terminalSocketUrl(this.options.url, this.options.accessToken(), this.options.mode),
      );
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.setState('online');
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      const message = decodeTerminalMessage(String(ev.data));
      if (message) this.options.onMessage(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      // A refused upgrade (401/403) never opens: renew the token (when the app can) before retrying.
      if (!opened) void this.options.refreshToken?.().catch(() => undefined);
      this.scheduleReconnect();
    };
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.onclose = null;
    try {
      socket.close(4000, reason);
    } catch {
      /* already closed */
    }
    if (!this.stopped) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.setState('offline');
    const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    if (offline) return; // the 'online' event brings us back
    const delay = reconnectDelayMs(
      this.attempt++,
      this.options.minReconnectDelayMs,
      this.options.maxReconnectDelayMs,
    );
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange(state);
  }
}
