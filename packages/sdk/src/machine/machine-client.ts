import { SendVoiceSignalResponse, type ServerFrame, type TokenResponse } from '@parley/protocol';
import { TypedEmitter } from '../events.js';
import { ApiClient, Auth, type Credentials, type FetchLike } from '../http/api-client.js';
import { ParleyApiError } from '../http/api-error.js';
import {
  RealtimeConnection,
  type ConnectionState,
  type WebSocketFactory,
} from '../realtime/realtime-connection.js';
import type { SignalRetryPolicy } from '../voice/send-retry.js';
import { Voice } from '../voice/voice.js';

export interface MachineClientOptions {
  /** Base URL of the messaging service, e.g. http://localhost:3001 */
  baseUrl: string;
  /** The client as registered with the messaging service (its `OAUTH_CLIENTS`). */
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for; by default every scope the client is registered with. */
  scope?: string;
  /** Defaults to the global WebSocket; `connectMachineClient` from `@parley/sdk/node` passes one built on `ws`. */
  createWebSocket?: WebSocketFactory;
  fetch?: FetchLike;
  /** How a voice signal that got no answer (or a 5xx) is sent again: by default 4 tries within a few seconds. */
  voiceRetry?: Partial<SignalRetryPolicy>;
}

export interface MachineClientEvents {
  /** `online` once the server said `ready` on the socket; `offline` while reconnecting. */
  stateChanged: (state: ConnectionState) => void;
  /** A voice handler failed, or the server sent a frame that did not match the protocol (`bad_frame`). */
  error: (error: Error) => void;
  /** The server refused the client id or secret when renewing the token: the socket stopped for good. */
  credentialsRefused: (error: ParleyApiError) => void;
}

/**
 * A service acting as itself rather than as a user (a calling proxy): it holds a client-credentials token,
 * asks for a new one before it expires (no refresh token exists for clients), and keeps the messaging
 * socket open with it, reconnecting with backoff like a Messenger. The socket carries what is addressed to
 * the client id: voice signals, no conversation events.
 */
export class MachineClient extends TypedEmitter<MachineClientEvents> {
  private readonly api: ApiClient<Credentials>;
  private readonly connection: RealtimeConnection;
  private voiceSignals: Voice | undefined;
  private readonly firstReady: { promise: Promise<void>; resolve: () => void };
  private closed = false;

  private constructor(
    private readonly options: MachineClientOptions,
    tokens: TokenResponse,
  ) {
    super();
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.api = new ApiClient<Credentials>({
      baseUrl: options.baseUrl,
      session: { tokens },
      fetch: fetchImpl,
      renewTokens: () => Auth.clientCredentials(options.baseUrl, options, fetchImpl),
      onSessionExpired: (err) => {
        if (this.closed) return;
        this.connection.stop();
        this.emit('credentialsRefused', err);
      },
    });
    let resolve!: () => void;
    this.firstReady = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    const createWebSocket =
      options.createWebSocket ??
      ((url: string) => {
        const Ctor = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
        if (!Ctor) throw new Error('no global WebSocket: pass createWebSocket (see @parley/sdk/node)');
        return new Ctor(url) as ReturnType<WebSocketFactory>;
      });
    this.connection = new RealtimeConnection({
      url: `${this.api.baseUrl.replace(/^http/, 'ws')}/v1/realtime`,
      createWebSocket,
      accessToken: () => this.api.accessToken,
      accessTokenExpiresAt: () => this.api.session.tokens.expires_at,
      refreshToken: () => this.api.refreshSession(),
      onFrame: (frame) => this.receiveFrame(frame),
      onInvalidFrame: (err) => this.emit('error', err),
      onStateChange: (state) => this.emit('stateChanged', state),
    });
  }

  /**
   * Obtains a token (rejects with a `ParleyApiError` when the server refuses the credentials, 401
   * `invalid_client`), then opens the socket in the background: `ready()` resolves once it is up.
   */
  static async connect(options: MachineClientOptions): Promise<MachineClient> {
    const tokens = await Auth.clientCredentials(options.baseUrl, options, options.fetch);
    const client = new MachineClient(options, tokens);
    client.connection.start();
    return client;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get state(): ConnectionState {
    return this.connection.currentState;
  }

  /** The scopes the current token carries, as the server granted them. */
  get scopes(): string[] {
    return this.api.session.tokens.scope.split(' ').filter((s) => s.length > 0);
  }

  /** Resolves the first time the server says `ready`: signals addressed to the client reach it from then on. */
  ready(): Promise<void> {
    return this.firstReady.promise;
  }

  /** Voice negotiation as this client: the same object as a Messenger's `voice()`. */
  voice(): Voice {
    this.voiceSignals ??= new Voice({
      send: (request) => this.api.post('/v1/voice/signals', request, SendVoiceSignalResponse),
      onHandlerError: (err) => this.emit('error', err),
      retry: this.options.voiceRetry,
    });
    return this.voiceSignals;
  }

  /** Closes the socket; nothing is received any more. */
  close(): void {
    this.closed = true;
    this.connection.stop();
  }

  private receiveFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        this.firstReady.resolve();
        return;
      case 'voice':
        this.voiceSignals?.receive(frame.signal);
        return;
      case 'error':
        this.emit('error', new ParleyApiError(400, frame.message, frame.code));
        return;
      default:
        return;
    }
  }
}
