import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  AuthenticationError,
  extractBearerToken,
  hasScopes,
  Scopes,
  TOKEN_VERIFIER,
  type TokenVerifier,
} from '@parley/auth';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { runWithLogContext } from '@parley/logger';
import { ClientFrame, CloseCodes } from '@parley/protocol';
import {
  describeFailure,
  failureToWsFrame,
  ForbiddenError,
  parseInput,
  ServiceMetrics,
  WebSocketEndpoint,
  WebSocketMetrics,
  type ManagedSocket,
} from '@parley/service-kit';
import type { RawData } from 'ws';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { LOGGER, REALTIME_FANOUT } from '../infrastructure/tokens.js';
import { MessagesService } from '../messages/messages.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { identityChannel } from './channels.js';
import { DeviceSession } from './device-session.js';
import { asDependencyOutage } from '../infrastructure/dependency-outage.js';
import { decodeFrameToUsers, FRAMES_TO_USERS_CHANNEL } from './frames-to-users.js';
import { LocalDevices } from './local-devices.js';

export const REALTIME_PATH = '/v1/realtime';
const MAX_FRAME_BYTES = 64 * 1024;

interface DeviceIdentity {
  /** A user's id, or a machine client's id for a voice proxy listening for its signals. */
  userId: string;
  kind: 'user' | 'client';
  expiresAt: number;
}

/**
 * The device WebSocket. Authenticated at the upgrade (a bad token never gets a socket). Before `ready` is
 * sent, the node's subscription to the frames published for lists of users (conversation events, typing)
 * is confirmed and the device is listed among this node's devices, and the identity's own Redis channel
 * (voice signals, presence, settings) is subscribed; so a device that starts catching up on `ready` cannot
 * miss an event committed in between. Closed with 4001 when its token expires unless it sent a fresh one,
 * and with 1001 when the service stops.
 */
@Injectable()
export class RealtimeGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private endpoint: WebSocketEndpoint<DeviceIdentity> | undefined;
  private readonly sessions = new Set<DeviceSession>();
  /** This node's user devices (not machine clients): where frames for lists of users are written. */
  private readonly localDevices = new LocalDevices();
  /** Settles once Redis confirmed the node's subscription to frames for lists of users; reset on failure. */
  private framesToUsers: Promise<() => Promise<void>> | undefined;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(PresenceService) private readonly presence: PresenceService,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
  ) {
    metrics.sample(WebSocketMetrics.openConnections, () => [
      { labels: { endpoint: REALTIME_PATH }, value: this.endpoint?.connections ?? 0 },
    ]);
  }

  onApplicationBootstrap(): void {
    this.endpoint = new WebSocketEndpoint<DeviceIdentity>(
      this.adapterHost.httpAdapter.getHttpServer() as Server,
      {
        path: REALTIME_PATH,
        logger: this.logger,
        maxPayloadBytes: MAX_FRAME_BYTES,
        heartbeatMs: this.config.realtime.pingIntervalMs,
        authenticate: (req) => this.authenticate(req),
        onOpen: (socket, identity) => this.open(socket, identity),
      },
    );
    // Subscribed ahead of the first device, which otherwise waits for it; a failure is retried by that device.
    this.listenToFramesToUsers().catch((err: unknown) =>
      this.logger.warn({ err }, 'cannot subscribe to live frames yet; devices will retry'),
    );
  }

  /**
   * Before Nest disposes of the HTTP server: the server only finishes closing once these sockets are gone,
   * so closing them later would hold the whole shutdown until the timeout.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.endpoint?.close();
    await Promise.allSettled([...this.sessions].map((s) => this.endSession(s)));
    const unsubscribe = await this.framesToUsers?.catch(() => undefined);
    await unsubscribe?.().catch(() => undefined);
  }

  get connectedDevices(): number {
    return this.sessions.size;
  }

  private async authenticate(req: IncomingMessage): Promise<DeviceIdentity> {
    const token = extractBearerToken({ headers: req.headers, url: req.url });
    if (!token) throw new AuthenticationError('missing_token');
    const principal = await this.verifier.verify(token);
    if (principal.kind === 'client' && !hasScopes(principal, [Scopes.voiceProxy]))
      throw new ForbiddenError(`a machine client needs the ${Scopes.voiceProxy} scope to connect`);
    return { userId: principal.subject, kind: principal.kind, expiresAt: principal.expiresAt };
  }

  private async open(socket: ManagedSocket, identity: DeviceIdentity): Promise<void> {
    const session = new DeviceSession(
      randomUUID(),
      identity.userId,
      socket,
      identity.expiresAt,
      identity.kind,
    );
    this.sessions.add(session);
    const ws = socket.ws;
    ws.on('message', (data, isBinary) => void this.receive(session, data, isBinary));
    ws.on('close', () => void this.endSession(session));
    // Each heartbeat answered keeps the device live in presence; a dead node's devices simply expire.
    if (session.kind === 'user')
      ws.on('pong', () => void this.presence.deviceAlive(session.userId, session.id));
    try {
      if (session.kind === 'user') await this.listenToFramesToUsers();
      const unsubscribe = await this.fanout.subscribe(
        identityChannel(session.kind, session.userId),
        (message) => session.sendRaw(message),
      );
      if (session.closed) {
        await unsubscribe();
        return;
      }
      session.unsubscribe = unsubscribe;
    } catch (err) {
      this.logger.warn({ err, userId: session.userId }, 'cannot subscribe device to live events');
      socket.close(1011, 'live delivery unavailable, retry later');
      return;
    }
    this.armExpiry(session);
    // Listed and told `ready` in one synchronous step: every frame fanned out after `ready` reaches it.
    if (session.kind === 'user') this.localDevices.add(session);
    session.send({
      type: 'ready',
      sessionId: session.id,
      userId: session.userId,
      tokenExpiresAt: session.tokenExpiresAt,
    });
    this.logger.debug({ userId: session.userId, session: session.id }, 'device connected');
    if (session.kind === 'client') return;
    await this.presence.deviceConnected(session.userId, session.id);
    // Closed while being recorded: the disconnect may have run first, so record it again.
    if (session.closed) await this.presence.deviceDisconnected(session.userId, session.id);
  }

  /** The node's one subscription to frames for lists of users, shared by all its devices. */
  private listenToFramesToUsers(): Promise<() => Promise<void>> {
    this.framesToUsers ??= this.fanout
      .subscribeBuffer(FRAMES_TO_USERS_CHANNEL, (message) => this.writeToLocalDevices(message))
      .catch((err: unknown) => {
        this.framesToUsers = undefined;
        throw err;
      });
    return this.framesToUsers;
  }

  /** One frame for a list of users: written, as the bytes received, to those of their devices held here. */
  private writeToLocalDevices(message: Buffer): void {
    const envelope = decodeFrameToUsers(message);
    if (!envelope) {
      this.logger.warn({ bytes: message.length }, 'ignored a live frame that is not addressed to users');
      return;
    }
    this.localDevices.sendToUsers(envelope.recipients, envelope.frame);
  }

  private async receive(session: DeviceSession, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      session.send({ type: 'error', code: 'invalid_frame', message: 'frames are JSON text' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      session.send({ type: 'error', code: 'invalid_json', message: 'frame is not valid JSON' });
      return;
    }
    // Each frame is served like a request: its own id on every log line it causes.
    await runWithLogContext({ requestId: randomUUID(), session: session.id }, async () => {
      try {
        const frame = parseInput(ClientFrame, json, 'frame');
        if (session.kind === 'client' && frame.type !== 'ping' && frame.type !== 'authenticate')
          throw new ForbiddenError(`a machine client's connection does not take ${frame.type} frames`);
        switch (frame.type) {
          case 'ping':
            session.send({ type: 'pong', ...(frame.ref ? { ref: frame.ref } : {}) });
            return;
          case 'typing':
            await this.messages.typing(session.userId, frame.conversationId, frame.active);
            return;
          case 'authenticate':
            await this.reauthenticate(session, frame.accessToken);
            return;
          case 'presence':
            await this.presence.deviceActivity(session.userId, session.id, frame.state);
            return;
        }
      } catch (err) {
        const failure = describeFailure(asDependencyOutage(err));
        if (failure.kind === 'internal')
          this.logger.error({ err, session: session.id }, 'device frame failed');
        else if (failure.kind === 'unavailable')
          this.logger.warn({ err, session: session.id }, 'device frame failed: a dependency is down');
        session.send(failureToWsFrame(failure));
      }
    });
  }

  private async reauthenticate(session: DeviceSession, token: string): Promise<void> {
    const principal = await this.verifier.verify(token);
    if (principal.subject !== session.userId || principal.kind !== session.kind) {
      session.socket.close(CloseCodes.policyViolation, 'token belongs to another identity');
      return;
    }
    session.tokenExpiresAt = principal.expiresAt;
    this.armExpiry(session);
    session.send({ type: 'authenticated', tokenExpiresAt: principal.expiresAt });
  }

  private armExpiry(session: DeviceSession): void {
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    const ms = Math.max(0, session.tokenExpiresAt * 1000 - Date.now());
    session.expiryTimer = setTimeout(
      () => session.socket.close(CloseCodes.tokenExpired, 'access token expired'),
      Math.min(ms, 2 ** 31 - 1),
    );
    session.expiryTimer.unref();
  }

  private async endSession(session: DeviceSession): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session);
    this.localDevices.remove(session);
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    try {
      await session.unsubscribe?.();
    } catch (err) {
      this.logger.debug({ err }, 'unsubscribe failed');
    }
    if (session.kind === 'client') return;
    await this.presence.deviceDisconnected(session.userId, session.id);
  }
}
