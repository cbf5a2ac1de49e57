import type { CallMedia, ProviderEvent } from '@parley/protocol';
import twilio from 'twilio';
import type { CreatedRoom, InboundWebhook, IssuedAccessToken, ProviderAdapter } from '../provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import {
  normaliseTwilioRoomCallback,
  readCallbackTimestamp,
  type TwilioRoomCallbackParams,
} from './twilio-room-callback.js';

export interface TwilioAdapterConfig {
  /** AC…: the account the rooms and tokens belong to. */
  accountSid: string;
  /** SK…: the API key the REST calls and the access tokens are signed with. */
  apiKey: string;
  apiSecret: string;
  /** The account's auth token: Twilio signs status callbacks with it. */
  authToken: string;
  /** Where the Video REST API lives; another host only for a local stand-in. */
  apiBaseUrl?: string;
  /** The gateway's public base URL (`GATEWAY_PUBLIC_URL`): rooms report their status callbacks there. */
  publicUrl: string;
  /** How far a callback's Timestamp may be from now before it is refused as a replay. */
  replayWindowSeconds?: number;
}

export const TWILIO_VIDEO_API_BASE_URL = 'https://video.twilio.com';
export const TWILIO_DEFAULT_REPLAY_WINDOW_SECONDS = 300;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const SIGNATURE_HEADER = twilio.SIGNATURE_HEADER.toLowerCase();
const SIGNATURE_SETTINGS_HEADER = twilio.SIGNATURE_SETTINGS_HEADER.toLowerCase();
const SUPPORTED_ALGORITHMS: readonly string[] = [twilio.HMAC_SHA1, twilio.HMAC_SHA256];

/** Where a Twilio room of this gateway posts its status callbacks. */
export function twilioStatusCallbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/providers/twilio/webhooks`;
}

function formParams(rawBody: Buffer): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

function jsonParams(rawBody: Buffer): Record<string, string> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhookError('the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedWebhookError('the body is not a JSON object');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
  }
  return params;
}

/** The payload's `exp` of a JWT the SDK just signed: the expiry exactly as the token states it. */
function jwtExpiry(token: string): number {
  const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const exp = (payload as { exp?: unknown }).exp;
  if (typeof exp !== 'number') throw new Error('the Twilio access token has no exp');
  return exp;
}

/**
 * Twilio Video through the official `twilio` helper library: the REST client for rooms (its Video domain
 * pointed at `apiBaseUrl`, a public property of the SDK's domain object, so requests, auth and error
 * mapping stay the SDK's), `AccessToken` + `VideoGrant` for client tokens, and `validateRequest` /
 * `validateRequestWithBody` for the `X-Twilio-Signature` of status callbacks.
 */
export function createTwilioAdapter(config: TwilioAdapterConfig): ProviderAdapter {
  const client = new twilio.Twilio(config.apiKey, config.apiSecret, { accountSid: config.accountSid });
  client.video.baseUrl = config.apiBaseUrl ?? TWILIO_VIDEO_API_BASE_URL;
  const statusCallback = twilioStatusCallbackUrl(config.publicUrl);
  const replayWindowMs = (config.replayWindowSeconds ?? TWILIO_DEFAULT_REPLAY_WINDOW_SECONDS) * 1000;

  function verifiedParams(webhook: InboundWebhook): TwilioRoomCallbackParams {
    if (webhook.contentType !== FORM && webhook.contentType !== JSON_TYPE) {
      throw new UnsupportedWebhookContentTypeError(
        `Twilio status callbacks are ${FORM} (or ${JSON_TYPE}), not ${webhook.contentType ?? 'untyped'}`,
      );
    }
    const signature = webhook.headers[SIGNATURE_HEADER];
    if (!signature) throw new WebhookSignatureError(`the ${twilio.SIGNATURE_HEADER} header is missing`);
    const algorithm = twilio.getSignatureAlgorithm(webhook.headers[SIGNATURE_SETTINGS_HEADER]).toUpperCase();
    if (!SUPPORTED_ALGORITHMS.includes(algorithm)) {
      throw new WebhookSignatureError(`the signature algorithm ${algorithm} is not supported`);
    }

    if (webhook.contentType === FORM) {
      const params = formParams(webhook.rawBody);
      if (!twilio.validateRequest(config.authToken, signature, webhook.publicUrl, params, algorithm)) {
        throw new WebhookSignatureError('the Twilio signature does not match');
      }
      return params;
    }
    // A JSON body is signed through the URL: its sha256 travels as the bodySHA256 query parameter.
    const body = webhook.rawBody.toString('utf8');
    if (!twilio.validateRequestWithBody(config.authToken, signature, webhook.publicUrl, body, algorithm)) {
      throw new WebhookSignatureError('the Twilio signature or body hash does not match');
    }
    return jsonParams(webhook.rawBody);
  }

  return {
    name: 'twilio',

    async createRoom(input: { callId: string; media: CallMedia }): Promise<CreatedRoom> {
      const room = await client.video.v1.rooms.create({
        uniqueName: input.callId,
        type: 'group',
        audioOnly: input.media === 'audio',
        statusCallback,
        statusCallbackMethod: 'POST',
      });
      // Twilio Video has no join link: clients connect with the SDK, a token and the room's sid.
      return { roomId: room.sid, joinUrl: null };
    },

    async accessToken(input: {
      identity: string;
      roomId?: string;
      ttlSeconds: number;
    }): Promise<IssuedAccessToken> {
      const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKey, config.apiSecret, {
        identity: input.identity,
        ttl: input.ttlSeconds,
      });
      token.addGrant(
        new twilio.jwt.AccessToken.VideoGrant(input.roomId === undefined ? {} : { room: input.roomId }),
      );
      const jwt = token.toJwt();
      return { identity: input.identity, token: jwt, expiresAt: jwtExpiry(jwt) };
    },

    async verifyWebhook(webhook: InboundWebhook, now: Date): Promise<ProviderEvent[]> {
      const params = verifiedParams(webhook);
      const sentAt = readCallbackTimestamp(params);
      if (sentAt !== undefined && Math.abs(now.getTime() - sentAt.getTime()) > replayWindowMs) {
        throw new StaleWebhookError('the Twilio callback Timestamp is outside the replay window');
      }
      return normaliseTwilioRoomCallback(params, now);
    },

    async endRoom(roomId: string): Promise<void> {
      try {
        await client.video.v1.rooms(roomId).update({ status: 'completed' });
      } catch (error) {
        // A room Twilio already closed (empty-room timeout, or ended by another request) is ended: done.
        const room = await client.video.v1
          .rooms(roomId)
          .fetch()
          .catch(() => undefined);
        if (room?.status === 'completed' || room?.status === 'failed') return;
        throw error;
      }
    },
  };
}
