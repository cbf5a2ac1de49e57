import { ServerFrame, type ClientFrame } from '@parley/protocol';
import type { ParleyApiError } from '../http/api-error.js';
import { describeIssues, mismatchError } from '../http/response-schema.js';
import { ReconnectingSocket } from './reconnecting-socket.js';

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
  /** A frame that matched the protocol's `ServerFrame`, parsed once here. */
  onFrame: (frame: ServerFrame) => void;
  /** A frame that is not JSON or does not match `ServerFrame`: it was ignored (`bad_frame`). */
  onInvalidFrame: (error: ParleyApiError) => void;
  onStateChange: (state: ConnectionState) => void;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
}

const TOKEN_EXPIRED = 4001;
const REFRESH_BEFORE_EXPIRY_S = 60;

/**
 * The messaging device socket: a ReconnectingSocket that counts as online once the server says `ready`,
 * renews the access token before it expires (in place, with an `authenticate` frame), and notices dead
 * links with pings.
 */
export class RealtimeConnection {
  private readonly socket: ReconnectingSocket;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongDeadline: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RealtimeConnectionOptions) {
    this.socket = new ReconnectingSocket({
      url: () => {
        const url = () => `${options.url}?access_token=${encodeURIComponent(options.accessToken())}`;
        // A token about to expire would be refused at the upgrade: renew it first.
        if (options.accessTokenExpiresAt() - Date.now() / 1000 < 5) return options.refreshToken().then(url);
        return url();
      },
      createWebSocket: options.createWebSocket,
      onMessage: (data) => this.receive(data),
      onClose: (code, opened) => {
        this.clearTimers();
        // A refused upgrade (never opened) is most often an expired token: renew it before retrying.
        if (code === TOKEN_EXPIRED || !opened) void options.refreshToken().catch(() => undefined);
      },
      onStateChange: options.onStateChange,
      stopReason: 'client closed',
    });
  }

  get currentState(): ConnectionState {
    return this.socket.currentState;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.clearTimers();
    this.socket.stop();
  }

  send(frame: ClientFrame): boolean {
    return this.socket.send(JSON.stringify(frame));
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  private receive(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.options.onInvalidFrame(
        mismatchError('ignored a server frame', 'bad_frame', [{ path: '', message: 'not JSON' }]),
      );
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) {
      const type = typeof json === 'object' && json !== null && 'type' in json ? String(json.type) : '?';
      const issues = describeIssues(parsed.error.issues);
      this.options.onInvalidFrame(
        mismatchError(`ignored a server frame of type ${type}`, 'bad_frame', issues),
      );
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'pong' && this.pongDeadline) {
      clearTimeout(this.pongDeadline);
      this.pongDeadline = undefined;
    }
    if (frame.type === 'ready') {
      this.startPinging();
      this.scheduleRenewal(frame.tokenExpiresAt);
      this.socket.markOnline();
    }
    if (frame.type === 'authenticated') this.scheduleRenewal(frame.tokenExpiresAt);
    this.options.onFrame(frame);
  }

  private startPinging(): void {
    const interval = this.options.pingIntervalMs ?? 20_000;
    const timeout = this.options.pongTimeoutMs ?? 10_000;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      this.pongDeadline ??= setTimeout(() => this.socket.drop('no pong'), timeout);
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

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.pingTimer = this.pongDeadline = this.renewTimer = undefined;
  }
}
