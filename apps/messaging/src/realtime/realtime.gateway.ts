import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  AuthenticationError,
  extractBearerToken,
  TOKEN_VERIFIER,
  type Principal,
  type TokenVerifier,
} from '@parley/auth';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { ClientFrame, CloseCodes } from '@parley/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { DomainError } from '../errors/domain-errors.js';
import { parseInput } from '../errors/parse-input.js';
import { LOGGER, REALTIME_FANOUT } from '../infrastructure/tokens.js';
import { MessagesService } from '../messages/messages.service.js';
import { userChannel } from './channels.js';
import { DeviceSession } from './device-session.js';

export const REALTIME_PATH = '/v1/realtime';
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * The device WebSocket. Authenticated at the upgrade (a bad token never gets a socket), subscribed to the
 * user's Redis channel before `ready` is sent, so a device that starts catching up on `ready` cannot miss
 * an event committed in between. Closed with 4001 when its token expires unless it sent a fresh one.
 */
@Injectable()
export class RealtimeGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sessions = new Set<DeviceSession>();
  private heartbeat: NodeJS.Timeout | undefined;
  private server: Server | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    void this.upgrade(req, socket, head);

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.config.realtime.pingIntervalMs);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const session of this.sessions) session.socket.close(1001, 'server shutting down');
    await Promise.allSettled([...this.sessions].map((s) => this.endSession(s)));
    this.wss.close();
  }

  get connectedDevices(): number {
    return this.sessions.size;
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== REALTIME_PATH) {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    let principal: Principal;
    try {
      const token = extractBearerToken({ headers: req.headers, url: req.url });
      if (!token) throw new AuthenticationError('missing_token');
      principal = await this.verifier.verify(token);
    } catch (err) {
      rejectUpgrade(
        socket,
        401,
        'Unauthorized',
        err instanceof AuthenticationError ? err.reason : 'invalid_token',
      );
      return;
    }
    if (principal.kind !== 'user') {
      rejectUpgrade(socket, 403, 'Forbidden', 'a user access token is required');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, principal));
  }

  private async open(ws: WebSocket, principal: Principal): Promise<void> {
    const session = new DeviceSession(randomUUID(), principal.subject, ws, principal.expiresAt);
    this.sessions.add(session);
    ws.on('pong', () => (session.alive = true));
    ws.on('message', (data, isBinary) => void this.receive(session, data, isBinary));
    ws.on('close', () => void this.endSession(session));
    ws.on('error', (err) => this.logger.debug({ err, session: session.id }, 'device socket error'));
    try {
      const unsubscribe = await this.fanout.subscribe(userChannel(session.userId), (message) =>
        session.sendRaw(message),
      );
      if (session.closed) {
        await unsubscribe();
        return;
      }
      session.unsubscribe = unsubscribe;
    } catch (err) {
      this.logger.warn({ err, userId: session.userId }, 'cannot subscribe device to live events');
      ws.close(1011, 'live delivery unavailable, retry later');
      return;
    }
    this.armExpiry(session);
    session.send({
      type: 'ready',
      sessionId: session.id,
      userId: session.userId,
      tokenExpiresAt: session.tokenExpiresAt,
    });
    this.logger.debug({ userId: session.userId, session: session.id }, 'device connected');
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
    try {
      const frame = parseInput(ClientFrame, json, 'frame');
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
      }
    } catch (err) {
      if (err instanceof DomainError || err instanceof AuthenticationError) {
        session.send({
          type: 'error',
          code: err instanceof AuthenticationError ? err.reason : err.code,
          message: err.message,
        });
        return;
      }
      this.logger.error({ err, session: session.id }, 'device frame failed');
      session.send({ type: 'error', code: 'internal', message: 'internal error' });
    }
  }

  private async reauthenticate(session: DeviceSession, token: string): Promise<void> {
    const principal = await this.verifier.verify(token);
    if (principal.subject !== session.userId || principal.kind !== 'user') {
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
      ms,
    );
    session.expiryTimer.unref();
  }

  /** Sockets that missed a whole ping interval are dead peers (a laptop lid closed): drop them. */
  private checkHeartbeats(): void {
    for (const session of this.sessions) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }

  private async endSession(session: DeviceSession): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session);
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    try {
      await session.unsubscribe?.();
    } catch (err) {
      this.logger.debug({ err }, 'unsubscribe failed');
    }
  }
}

function rejectUpgrade(socket: Duplex, status: number, text: string, reason?: string): void {
  const body = JSON.stringify({ statusCode: status, error: text, message: reason ?? text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
