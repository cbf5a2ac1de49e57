import type { CallMedia, ProviderEvent } from '@parley/protocol';
import {
  AccessToken,
  RoomServiceClient,
  TokenVerifier,
  TwirpError,
  WebhookReceiver,
  type WebhookEvent,
} from 'livekit-server-sdk';
import type { CreatedRoom, InboundWebhook, IssuedAccessToken, ProviderAdapter } from '../provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import { liveKitEventCreatedAt, normaliseLiveKitWebhookEvent } from './livekit-webhook-event.js';

export interface LiveKitAdapterConfig {
  /** The LiveKit server (`https://<project>.livekit.cloud`, or a self-hosted one); `wss://` works too. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** How far an event's `createdAt` may be from now before it is refused as a replay. */
  replayWindowSeconds?: number;
}

export const LIVEKIT_DEFAULT_REPLAY_WINDOW_SECONDS = 300;

/** LiveKit posts `application/webhook+json`; plain JSON is accepted for proxies that rewrite it. */
const WEBHOOK_CONTENT_TYPES: readonly string[] = ['application/webhook+json', 'application/json'];

/** Errors the SDK's receiver throws after the signature and body hash were accepted: the body is bad. */
function isBodyDecodingError(error: unknown): boolean {
  return (
    error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('cannot decode'))
  );
}

function isExpiredTokenError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED'
  );
}

/**
 * LiveKit through the official `livekit-server-sdk`: `RoomServiceClient` (Twirp over HTTP) creates and
 * deletes rooms, `AccessToken` signs join tokens, and `WebhookReceiver` checks the webhook's
 * Authorization JWT (signed with the API secret, the body's sha256 in its `sha256` claim).
 */
export function createLiveKitAdapter(config: LiveKitAdapterConfig): ProviderAdapter {
  const rooms = new RoomServiceClient(config.url, config.apiKey, config.apiSecret);
  const receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
  const verifier = new TokenVerifier(config.apiKey, config.apiSecret);
  const replayWindowMs = (config.replayWindowSeconds ?? LIVEKIT_DEFAULT_REPLAY_WINDOW_SECONDS) * 1000;

  async function receiveVerified(webhook: InboundWebhook): Promise<WebhookEvent> {
    if (webhook.contentType === undefined || !WEBHOOK_CONTENT_TYPES.includes(webhook.contentType)) {
      throw new UnsupportedWebhookContentTypeError(
        `LiveKit webhooks are application/webhook+json, not ${webhook.contentType ?? 'untyped'}`,
      );
    }
    // LiveKit sends the bare JWT in Authorization; a Bearer prefix is tolerated.
    const authorization = webhook.headers['authorization']?.replace(/^Bearer\s+/i, '');
    if (!authorization) throw new WebhookSignatureError('the Authorization header is missing');
    try {
      return await receiver.receive(webhook.rawBody.toString('utf8'), authorization);
    } catch (error) {
      if (isBodyDecodingError(error))
        throw new MalformedWebhookError('the body is not a LiveKit webhook event');
      if (isExpiredTokenError(error)) throw new StaleWebhookError('the webhook token has expired');
      throw new WebhookSignatureError('the LiveKit webhook signature does not match');
    }
  }

  return {
    name: 'livekit',

    async createRoom(input: { callId: string; media: CallMedia }): Promise<CreatedRoom> {
      const room = await rooms.createRoom({ name: input.callId });
      // LiveKit has no universal join link: clients connect with its SDK, the server URL, a token and the room name.
      return { roomId: room.name, joinUrl: null };
    },

    async accessToken(input: {
      identity: string;
      roomId?: string;
      ttlSeconds: number;
    }): Promise<IssuedAccessToken> {
      const token = new AccessToken(config.apiKey, config.apiSecret, {
        identity: input.identity,
        ttl: input.ttlSeconds,
      });
      token.addGrant(
        input.roomId === undefined ? { roomJoin: true } : { roomJoin: true, room: input.roomId },
      );
      const jwt = await token.toJwt();
      const { exp } = await verifier.verify(jwt);
      if (exp === undefined) throw new Error('the LiveKit access token has no exp');
      return { identity: input.identity, token: jwt, expiresAt: exp };
    },

    async verifyWebhook(webhook: InboundWebhook, now: Date): Promise<ProviderEvent[]> {
      const event = await receiveVerified(webhook);
      const createdAt = liveKitEventCreatedAt(event);
      if (createdAt !== undefined && Math.abs(now.getTime() - createdAt.getTime()) > replayWindowMs) {
        throw new StaleWebhookError('the LiveKit event createdAt is outside the replay window');
      }
      return normaliseLiveKitWebhookEvent(event, now);
    },

    async endRoom(roomId: string): Promise<void> {
      try {
        await rooms.deleteRoom(roomId);
      } catch (error) {
        // LiveKit closes empty rooms on its own; a room that is gone already is ended.
        if (error instanceof TwirpError && error.code === 'not_found') return;
        throw error;
      }
    },
  };
}
