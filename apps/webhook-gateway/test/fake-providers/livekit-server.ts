import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  AccessToken,
  ParticipantInfo,
  Room,
  TokenVerifier,
  WebhookEvent,
  type WebhookEventNames,
} from 'livekit-server-sdk';
import { listenRecording, postWebhook, sendJson, type RecordedProviderRequest } from './http-json.js';

/**
 * A local stand-in for a LiveKit server's RoomService (Twirp over HTTP: `POST /twirp/livekit.RoomService/<Method>`
 * with a JSON body and an API-key JWT as Bearer token) and for the webhooks it sends. The Twirp token is
 * checked with the SDK's own `TokenVerifier`; webhooks are signed as the LiveKit server signs them: a JWT from
 * the API key and secret whose `sha256` claim is the base64 sha256 of the body, in the Authorization header,
 * built with the SDK's `AccessToken`.
 */

export interface FakeLiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface FakeLiveKitRoom {
  sid: string;
  name: string;
  emptyTimeout: number;
  creationTime: Date;
  deleted: boolean;
}

export interface LiveKitWebhookInput {
  event: WebhookEventNames;
  roomName: string;
  roomSid?: string;
  /** When the room was created: `room_finished` carries it, and its duration is measured from it. */
  roomCreatedAt?: Date;
  /** For participant events. */
  identity?: string;
  /** LiveKit's event id; a fresh `EV_…` when left out. */
  id?: string;
  /** Defaults to now. */
  createdAt?: Date;
}

export interface FakeLiveKitServer {
  /** What to configure as the adapter's `url`. */
  readonly url: string;
  readonly credentials: FakeLiveKitCredentials;
  readonly requests: RecordedProviderRequest[];
  room(name: string): FakeLiveKitRoom | undefined;
  /** Signs and POSTs a webhook about one of its rooms to `webhookUrl`; the body is returned for re-sending. */
  sendRoomWebhook(
    webhookUrl: string,
    roomName: string,
    webhook: Omit<LiveKitWebhookInput, 'roomName' | 'roomSid' | 'roomCreatedAt'>,
  ): Promise<{ response: Response; body: string }>;
  close(): Promise<void>;
}

function liveKitId(prefix: 'RM_' | 'PA_' | 'EV_'): string {
  return `${prefix}${randomBytes(9).toString('base64url')}`;
}

export function fakeLiveKitCredentials(): FakeLiveKitCredentials {
  return { apiKey: `API${randomBytes(6).toString('hex')}`, apiSecret: randomBytes(24).toString('base64url') };
}

const seconds = (at: Date): bigint => BigInt(Math.floor(at.getTime() / 1000));

/** A webhook body as the LiveKit server marshals it (protobuf JSON, camelCase, int64 as strings). */
export function liveKitWebhookBody(input: LiveKitWebhookInput): string {
  const createdAt = input.createdAt ?? new Date();
  const roomCreatedAt = input.roomCreatedAt ?? createdAt;
  const event = new WebhookEvent({
    id: input.id ?? liveKitId('EV_'),
    createdAt: seconds(createdAt),
    room: new Room({
      sid: input.roomSid ?? liveKitId('RM_'),
      name: input.roomName,
      emptyTimeout: 300,
      departureTimeout: 20,
      creationTime: seconds(roomCreatedAt),
      creationTimeMs: BigInt(roomCreatedAt.getTime()),
    }),
  });
  // Set after construction: the SDK's WebhookEvent subclass resets `event` in its own constructor.
  event.event = input.event;
  if (input.event.startsWith('participant_')) {
    event.participant = new ParticipantInfo({
      sid: liveKitId('PA_'),
      identity: input.identity ?? 'participant',
      joinedAt: seconds(createdAt),
    });
  }
  return event.toJsonString();
}

/** The Authorization value LiveKit sends with `body`: a JWT signed with the API secret carrying the body's sha256. */
export async function signLiveKitWebhook(body: string, credentials: FakeLiveKitCredentials): Promise<string> {
  const token = new AccessToken(credentials.apiKey, credentials.apiSecret, { ttl: '5m' });
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
}

export interface SendLiveKitWebhookInput {
  url: string;
  credentials: FakeLiveKitCredentials;
  body: string;
  /** Sign another body than the one posted (a tampering test). */
  signedBody?: string;
  contentType?: string;
}

/** Signs a webhook body as LiveKit does and POSTs it as `application/webhook+json`. */
export async function sendLiveKitWebhook(input: SendLiveKitWebhookInput): Promise<Response> {
  const authorization = await signLiveKitWebhook(input.signedBody ?? input.body, input.credentials);
  return postWebhook(input.url, {
    body: input.body,
    contentType: input.contentType ?? 'application/webhook+json',
    headers: { authorization },
  });
}

function twirpError(response: ServerResponse, status: number, code: string, msg: string): void {
  sendJson(response, status, { code, msg });
}

function roomJson(room: FakeLiveKitRoom): Record<string, unknown> {
  return {
    sid: room.sid,
    name: room.name,
    empty_timeout: room.emptyTimeout,
    departure_timeout: 20,
    creation_time: String(seconds(room.creationTime)),
    creation_time_ms: String(room.creationTime.getTime()),
    turn_password: randomBytes(12).toString('base64url'),
    enabled_codecs: [{ mime: 'audio/opus' }, { mime: 'video/VP8' }, { mime: 'video/H264' }],
  };
}

export async function startFakeLiveKitServer(
  credentials: FakeLiveKitCredentials = fakeLiveKitCredentials(),
): Promise<FakeLiveKitServer> {
  const requests: RecordedProviderRequest[] = [];
  const rooms = new Map<string, FakeLiveKitRoom>();
  const verifier = new TokenVerifier(credentials.apiKey, credentials.apiSecret);

  const http = await listenRecording(requests, (request, response) => {
    const method = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(request.path)?.[1];
    if (request.method !== 'POST' || !method) {
      twirpError(response, 404, 'bad_route', `no handler for path ${request.path}`);
      return;
    }
    const bearer = /^Bearer\s+(.+)$/.exec(request.headers['authorization'] ?? '')?.[1];
    if (!bearer) {
      twirpError(response, 401, 'unauthenticated', 'permissions denied');
      return;
    }
    verifier.verify(bearer).then(
      (claims) => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(request.body || '{}') as Record<string, unknown>;
        } catch {
          twirpError(response, 400, 'malformed', 'the json request could not be decoded');
          return;
        }
        const name =
          typeof body['name'] === 'string'
            ? body['name']
            : typeof body['room'] === 'string'
              ? body['room']
              : '';
        if (method === 'CreateRoom' || method === 'DeleteRoom') {
          if (!claims.video?.roomCreate) {
            twirpError(response, 403, 'permission_denied', 'permissions denied');
            return;
          }
          if (!name) {
            twirpError(response, 400, 'invalid_argument', 'room name is required');
            return;
          }
        }
        if (method === 'CreateRoom') {
          const existing = rooms.get(name);
          const room =
            existing && !existing.deleted
              ? existing
              : {
                  sid: liveKitId('RM_'),
                  name,
                  emptyTimeout: typeof body['empty_timeout'] === 'number' ? body['empty_timeout'] : 300,
                  creationTime: new Date(),
                  deleted: false,
                };
          rooms.set(name, room);
          sendJson(response, 200, roomJson(room));
        } else if (method === 'DeleteRoom') {
          const room = rooms.get(name);
          if (!room || room.deleted) {
            twirpError(response, 404, 'not_found', 'requested room does not exist');
            return;
          }
          room.deleted = true;
          sendJson(response, 200, {});
        } else if (method === 'ListRooms') {
          if (!claims.video?.roomList) {
            twirpError(response, 403, 'permission_denied', 'permissions denied');
            return;
          }
          sendJson(response, 200, {
            rooms: [...rooms.values()].filter((room) => !room.deleted).map(roomJson),
          });
        } else {
          twirpError(response, 404, 'bad_route', `no handler for method ${method}`);
        }
      },
      () => twirpError(response, 401, 'unauthenticated', 'invalid token'),
    );
  });

  return {
    url: http.url,
    credentials,
    requests,
    room: (name) => rooms.get(name),
    async sendRoomWebhook(webhookUrl, roomName, webhook) {
      const room = rooms.get(roomName);
      if (!room) throw new Error(`no room ${roomName}`);
      const body = liveKitWebhookBody({
        ...webhook,
        roomName,
        roomSid: room.sid,
        roomCreatedAt: room.creationTime,
      });
      return { response: await sendLiveKitWebhook({ url: webhookUrl, credentials, body }), body };
    },
    close: http.close,
  };
}
