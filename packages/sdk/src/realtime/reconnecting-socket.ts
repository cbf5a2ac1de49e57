import type { ConnectionState, WebSocketFactory, WebSocketLike } from './realtime-connection.js';
import { reconnectDelayMs } from './reconnect-delay.js';

export interface ReconnectingSocketOptions {
  /** The URL of the next attempt; may renew credentials first (a rejection retries later). */
  url: () => string | Promise<string>;
  createWebSocket: WebSocketFactory;
  onOpen?: () => void;
  onMessage: (data: string) => void;
  /** The socket closed by itself; `opened` tells a refused upgrade from a dropped connection. */
  onClose?: (code: number, opened: boolean) => void;
  onStateChange: (state: ConnectionState) => void;
  /** Sent as the close reason when the app stops the socket. */
  stopReason: string;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * A WebSocket that stays up: reconnects with backoff and jitter after any drop, follows the browser's
 * online/offline signals, and reports connecting/online/offline/closed. What "online" means (the socket
 * opened, or the server said ready) is the owner's to decide with `markOnline`.
 */
export class ReconnectingSocket {
  private socket: WebSocketLike | undefined;
  private attempt = 0;
  private stopped = true;
  private state: ConnectionState = 'closed';
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.drop('browser is offline');

  constructor(private readonly options: ReconnectingSocketOptions) {}

  get currentState(): ConnectionState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === 1;
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
    this.detachAndClose(1000, this.options.stopReason);
    this.setState('closed');
  }

  send(data: string): boolean {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(data);
    return true;
  }

  markOnline(): void {
    this.attempt = 0;
    this.setState('online');
  }

  /** Reconnects at once (e.g. the network came back), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.socket) this.drop('reconnecting');
    else {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.open();
    }
  }

  /** Gives up on the current socket (a half-dead link may never fire onclose) and reconnects. */
  drop(reason: string): void {
    if (!this.socket) return;
    this.detachAndClose(4000, reason);
    this.options.onClose?.(4000, true);
    if (!this.stopped) this.scheduleReconnect();
  }

  /** Connects at once when the URL is at hand; waits for it when credentials are being renewed. */
  private open(): void {
    if (this.stopped) return;
    this.setState('connecting');
    let url: string | Promise<string>;
    try {
      url = this.options.url();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (typeof url === 'string') this.connect(url);
    else
      url.then(
        (resolved) => this.connect(resolved),
        () => this.scheduleReconnect(),
      );
  }

  private connect(url: string): void {
    if (this.stopped) return;
    let socket: WebSocketLike;
    try {
      socket = this.options.createWebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.options.onOpen?.();
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.options.onMessage(String(ev.data));
    };
    socket.onerror = () => undefined;
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      this.options.onClose?.(ev.code, opened);
      this.scheduleReconnect();
    };
  }

  private detachAndClose(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch {
      /* already closed */
    }
  }

  private scheduleReconnect(): void {
    this.setState('offline');
    if ((globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false) return; // 'online' brings us back
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
