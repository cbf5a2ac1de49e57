// A local HTTP server that answers like the webhook gateway: every request body is parsed with the protocol's
// schema (a mismatch is a 400, as the gateway answers), every answer is built from the protocol's types, and
// each request is recorded for the tests to check its shape. With a bus, provider calls are published as
// provider.call.updated.v1, as the gateway does, so the real messaging service writes their voip-link messages.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ProviderCall,
  PushSubscriptionRequest,
  StartProviderCallRequest,
  StartVideoCallRequest,
  VideoTokenRequest,
  type ErrorBody,
  type ProviderAccessToken,
  type ProviderCallJoin,
  type ProviderCallUpdatedEvent,
  type ProviderList,
  type PushSubscriptionRecord,
  type VideoIdentity,
  type VideoInvite,
  type VoipLinkBody,
} from '@parley/protocol';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** What the fake does with a call update: the test passes a bus publisher, or nothing. */
export type PublishCallUpdate = (update: ProviderCallUpdatedEvent) => Promise<void>;

interface Schema {
  safeParse(v: unknown): { success: true; data: unknown } | { success: false; error: { issues: unknown[] } };
}

export const VAPID_PUBLIC_KEY =
  'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U';

export class FakeGateway {
  readonly requests: RecordedRequest[] = [];
  readonly calls = new Map<string, ProviderCall>();
  readonly invites = new Map<string, VideoInvite>();
  private subscriptions: Array<{ userId: string; record: PushSubscriptionRecord }> = [];
  /** Lifetime of the video tokens it issues. */
  tokenLifetimeSeconds = 600;
  tokensIssued = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly publish?: PublishCallUpdate) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The requests made to one path (method and path, e.g. `POST /v1/calls`). */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, 400, errorBody(400, 'the body is not JSON'));
    }
    const path = (req.url ?? '').split('?')[0]!;
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    const publicRoute = method === 'GET' && path === '/v1/push/vapid-public-key';
    const userId = subjectOf(req.headers.authorization);
    if (!publicRoute && !userId) return send(res, 401, errorBody(401, 'missing or malformed token'));
    try {
      const [status, answer] = await this.route(method, path, body, userId ?? '');
      send(res, status, answer);
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, errorBody(400, err.message));
      send(res, 500, errorBody(500, (err as Error).message));
    }
  }

  private async route(
    method: string,
    path: string,
    body: unknown,
    userId: string,
  ): Promise<[number, unknown]> {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/calls') {
      const req = parse(StartProviderCallRequest, body) as StartProviderCallRequest;
      const id = randomUUID();
      const call: ProviderCall = {
        id,
        provider: req.provider,
        roomId: `room-${id.slice(0, 8)}`,
        conversationId: req.conversationId,
        createdBy: userId,
        media: req.media,
        joinUrl: `https://meet.example.com/room-${id.slice(0, 8)}`,
        status: 'created',
        participants: [],
        createdAt: new Date().toISOString(),
        startedAt: null,
        endedAt: null,
        durationSeconds: null,
      };
      await this.update(call);
      return [201, call];
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/calls\/([^/]+)\/(join|leave|end)$/))) {
      const before = this.calls.get(m[1]!);
      if (!before) return [404, errorBody(404, 'no such call')];
      if (m[2] === 'join') {
        const call: ProviderCall = {
          ...before,
          status: 'started',
          participants: [...new Set([...before.participants, userId])],
          startedAt: before.startedAt ?? '2026-11-28T10:00:00.000Z',
        };
        await this.update(call);
        const join: ProviderCallJoin = { call, access: this.accessToken(userId, call.provider) };
        return [200, join];
      }
      if (m[2] === 'leave') {
        await this.update({ ...before, participants: before.participants.filter((p) => p !== userId) });
        return [200, before];
      }
      await this.update({
        ...before,
        status: 'ended',
        participants: [],
        endedAt: '2026-11-28T10:02:05.000Z',
        durationSeconds: 125,
      });
      return [200, before];
    }
    if (method === 'GET' && path === '/v1/providers') {
      const list: ProviderList = { providers: ['parley', 'livekit'], default: 'parley' };
      return [200, list];
    }
    if (method === 'POST' && path === '/v1/video/token') {
      const req = parse(VideoTokenRequest, body) as VideoTokenRequest;
      return [200, this.accessToken(userId, req.provider ?? 'parley')];
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/video\/identity\/([^/]+)$/))) {
      const identity: VideoIdentity = { userId: decodeURIComponent(m[1]!), identity: `user-${m[1]}` };
      return [200, identity];
    }
    if (method === 'POST' && path === '/v1/video/calls') {
      const req = parse(StartVideoCallRequest, body) as StartVideoCallRequest;
      const [, call] = await this.route(
        'POST',
        '/v1/calls',
        { conversationId: req.conversationId, provider: req.provider ?? 'parley', media: 'video' },
        userId,
      );
      const invite = this.invite(call as ProviderCall, userId, req.calleeId, 'inviting');
      this.invites.set(invite.id, invite);
      return [201, invite];
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/video\/calls\/([^/]+)$/))) {
      const invite = this.invites.get(m[1]!);
      return invite ? [200, invite] : [404, errorBody(404, 'no such invite')];
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/video\/calls\/([^/]+)\/(answer|decline)$/))) {
      const invite = this.invites.get(m[1]!);
      if (!invite) return [404, errorBody(404, 'no such invite')];
      const answered: VideoInvite = {
        ...invite,
        status: m[2] === 'answer' ? 'answered' : 'declined',
        endedAt: new Date().toISOString(),
      };
      this.invites.set(invite.id, answered);
      return [200, answered];
    }
    if (method === 'GET' && path === '/v1/push/vapid-public-key')
      return [200, { publicKey: VAPID_PUBLIC_KEY }];
    if (method === 'POST' && path === '/v1/push/subscriptions') {
      const req = parse(PushSubscriptionRequest, body) as PushSubscriptionRequest;
      const record: PushSubscriptionRecord = {
        id: randomUUID(),
        endpoint: req.endpoint,
        createdAt: new Date().toISOString(),
      };
      this.subscriptions.push({ userId, record });
      return [201, record];
    }
    if (method === 'GET' && path === '/v1/push/subscriptions') {
      return [
        200,
        { subscriptions: this.subscriptions.filter((r) => r.userId === userId).map((r) => r.record) },
      ];
    }
    if (method === 'DELETE' && (m = path.match(/^\/v1\/push\/subscriptions\/([^/]+)$/))) {
      const before = this.subscriptions.length;
      this.subscriptions = this.subscriptions.filter((r) => !(r.userId === userId && r.record.id === m![1]));
      return this.subscriptions.length < before
        ? [204, undefined]
        : [404, errorBody(404, 'no such subscription')];
    }
    return [404, errorBody(404, `no route ${method} ${path}`)];
  }

  private async update(call: ProviderCall): Promise<void> {
    this.calls.set(call.id, ProviderCall.parse(call));
    const voipLink: VoipLinkBody = {
      provider: call.provider,
      callId: call.roomId,
      ...(call.joinUrl ? { joinUrl: call.joinUrl } : {}),
      status: call.status,
      media: call.media,
      participants: call.participants,
      gatewayCallId: call.id,
      ...(call.startedAt ? { startedAt: call.startedAt } : {}),
      ...(call.endedAt ? { endedAt: call.endedAt } : {}),
      ...(call.durationSeconds !== null ? { durationSeconds: call.durationSeconds } : {}),
    };
    await this.publish?.({
      callId: call.id,
      conversationId: call.conversationId,
      createdBy: call.createdBy,
      voipLink,
    });
  }

  private accessToken(identity: string, provider: string): ProviderAccessToken {
    this.tokensIssued += 1;
    return {
      provider,
      identity,
      token: `video-token-${this.tokensIssued}`,
      expires_at: Math.floor(Date.now() / 1000) + this.tokenLifetimeSeconds,
    };
  }

  private invite(
    call: ProviderCall,
    callerId: string,
    calleeId: string,
    status: VideoInvite['status'],
  ): VideoInvite {
    return {
      id: randomUUID(),
      call,
      callerId,
      calleeId,
      status,
      tries: 1,
      maxTries: 3,
      windowSeconds: 30,
      createdAt: new Date().toISOString(),
      endedAt: status === 'inviting' ? null : new Date().toISOString(),
      lastError: null,
    };
  }
}

class BadRequest extends Error {}

function parse(schema: Schema, body: unknown): unknown {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequest(`body does not match: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

/** The user id (`sub`) of a bearer JWT, unverified: the fake only needs to know who asks. */
function subjectOf(authorization: string | undefined): string | undefined {
  const token = authorization?.match(/^Bearer (\S+)$/)?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: unknown };
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: statusCode === 404 ? 'Not Found' : 'Bad Request', message };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
