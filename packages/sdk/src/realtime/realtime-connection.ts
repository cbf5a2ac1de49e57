import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { reconnectDelayMs } from './reconnect-delay.js';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'closed';

/** The subset of the WebSocket API used here: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface RealtimeConnectionOptions {
  url: string;
  createWebSocket: WebSocketFactory;
  accessToken: () => string;
  /** Seconds since epoch when the current access token expires. */
  accessTokenExpiresAt: () => number;
  refreshToken: () => Promise<void>;
  onFrame: (frame: ServerFrame) => void;
  onStateChange: (state: ConnectionState) => void;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
}

const TOKEN_EXPIRED = 4001;
const REFRESH_BEFORE_EXPIRY_S = 60;

/**
 * One device socket that stays up: reconnects with backoff and jitter after any drop, renews the access
 * token before it expires (in place, with an `authenticate` frame), notices dead links with pings, and
 * follows the browser's online/offline signals.
 */
export class RealtimeConnection {
  private socket: WebSocketLike | undefined;
  private attempt = 0;
  private stopped = false;
  private state: ConnectionState = 'closed';
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongDeadline: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.dropSocket('browser is offline');

  constructor(private readonly options: RealtimeConnectionOptions) {}

  get currentState(): ConnectionState {
    return this.state;
  }

  start(): void {
    this.stopped = false;
    const g = globalThis as { addEventListener?: (n: string, f: () => void) => void };
    g.addEventListener?.('online', this.onOnline);
    g.addEventListener?.('offline', this.onOffline);
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    const g = globalThis as { removeEventListener?: (n: string, f: () => void) => void };
    g.removeEventListener?.('online', this.onOnline);
    g.removeEventListener?.('offline', this.onOffline);
    this.clearTimers();
    this.socket?.close(1000, 'client closed');
    this.socket = undefined;
    this.setState('closed');
  }

  send(frame: ClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Reconnects at once (e.g. the network came back), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.socket) this.dropSocket('reconnecting');
    else {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      void this.open();
    }
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.setState('connecting');
    try {
      if (this.options.accessTokenExpiresAt() - Date.now() / 1000 < 5) await this.options.refreshToken();
    } catch {
      this.scheduleReconnect();
      return;
    }
    const url = `${this.options.url}?access_token=${encodeURIComponent(this.options.accessToken())}`;
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
      opened = true;
    };
    socket.onmessage = (ev) => this.receive(String(ev.data));
    socket.onerror = () => undefined;
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.clearTimers();
      if (this.stopped) return;
      // An upgrade refused before opening is most often an expired token: renew it before retrying.
      if (ev.code === TOKEN_EXPIRED || !opened) void this.options.refreshToken().catch(() => undefined);
      this.scheduleReconnect();
    };
  }

  private receive(data: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'pong' && this.pongDeadline) {
      clearTimeout(this.pongDeadline);
      this.pongDeadline = undefined;
    }
    if (frame.type === 'ready') {
      this.attempt = 0;
      this.startPinging();
      this.scheduleRenewal(frame.tokenExpiresAt);
      this.setState('online');
    }
    if (frame.type === 'authenticated') this.scheduleRenewal(frame.tokenExpiresAt);
    this.options.onFrame(frame);
  }

  private startPinging(): void {
    const interval = this.options.pingIntervalMs ?? 20_000;
    const timeout = this.options.pongTimeoutMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      this.pongDeadline ??= setTimeout(() => this.dropSocket('no pong'), timeout);
    }, interval);
  }

  private scheduleRenewal(expiresAt: number): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    // Renew a minute ahead, or halfway through a short-lived token, never in a tight loop.
    const remainingMs = expiresAt * 1000 - Date.now();
    const ms = Math.max(1000, remainingMs - Math.min(REFRESH_BEFORE_EXPIRY_S * 1000, remainingMs / 2));
    this.renewTimer = setTimeout(
      () => {
        this.options
          .refreshToken()
          .then(() => this.send({ type: 'authenticate', accessToken: this.options.accessToken() }))
          .catch(() => undefined);
      },
      Math.min(ms, 2 ** 31 - 1),
    );
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    // Let onclose run the reconnect; a half-dead link may never fire it, so detach and retry here.
    this.socket = undefined;
    this.clearTimers();
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
    const delay = reconnectDelayMs(this.attempt++);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pingTimer = this.pongDeadline = this.renewTimer = this.reconnectTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange(state);
  }
}
