import { timingSafeEqual } from 'node:crypto';
import { ParleyProviderWebhook, type CallMedia, type ProviderEvent } from '@parley/protocol';
import { Webhook } from 'standardwebhooks';
import type { CreatedRoom, InboundWebhook, IssuedAccessToken, ProviderAdapter } from '../provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import { ParleyAccessTokens } from './parley-access-token.js';

export const PARLEY_PROVIDER = 'parley';

export interface ParleyAdapterOptions {
  /** Standard Webhooks secret (`whsec_…`); without one every webhook is refused with 401. */
  webhookSecret: string | undefined;
  /** Signs access tokens; without one a random per-process key. */
  tokenSecret: string | undefined;
  replayWindowSeconds: number;
}

/** The room of a call on the built-in provider. */
export function parleyRoomId(callId: string): string {
  return `parley-${callId}`;
}

/**
 * The built-in provider: calls happen in the Parley clients themselves (WebRTC through terminal-core), so
 * there is no room server to create or end anything on. Rooms are names, tokens are signed by the gateway,
 * and status comes from participants' own join/leave requests plus, optionally, signed webhooks from
 * whatever runs the media, in the Standard Webhooks scheme.
 */
export class ParleyAdapter implements ProviderAdapter {
  readonly name = PARLEY_PROVIDER;
  readonly tokens: ParleyAccessTokens;
  private readonly webhook: Webhook | null;

  constructor(private readonly options: ParleyAdapterOptions) {
    this.tokens = new ParleyAccessTokens(options.tokenSecret);
    this.webhook = options.webhookSecret ? new Webhook(options.webhookSecret) : null;
  }

  async createRoom(input: { callId: string; media: CallMedia }): Promise<CreatedRoom> {
    return { roomId: parleyRoomId(input.callId), joinUrl: null };
  }

  async accessToken(input: {
    identity: string;
    roomId?: string;
    ttlSeconds: number;
  }): Promise<IssuedAccessToken> {
    const expiresAt = Math.floor(Date.now() / 1000) + input.ttlSeconds;
    const token = this.tokens.issue({ sub: input.identity, room: input.roomId, exp: expiresAt });
    return { identity: input.identity, token, expiresAt };
  }

  async verifyWebhook(webhook: InboundWebhook, now: Date): Promise<ProviderEvent[]> {
    if (webhook.contentType !== 'application/json')
      throw new UnsupportedWebhookContentTypeError('the parley provider sends application/json webhooks');
    if (!this.webhook)
      throw new WebhookSignatureError('no webhook secret is configured for the parley provider');

    const id = webhook.headers['webhook-id'];
    const timestamp = webhook.headers['webhook-timestamp'];
    const signatures = webhook.headers['webhook-signature'];
    if (!id || !timestamp || !signatures)
      throw new WebhookSignatureError('missing webhook signature headers');
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isFinite(seconds)) throw new WebhookSignatureError('webhook-timestamp is not epoch seconds');
    if (Math.abs(now.getTime() / 1000 - seconds) > this.options.replayWindowSeconds)
      throw new StaleWebhookError('webhook-timestamp is outside the replay window');

    // The library computes the signature; the comparison and the window are ours, so the configured
    // window and the request's clock apply (its own verify() has a fixed window and reads the clock).
    const expected = Buffer.from(this.webhook.sign(id, new Date(seconds * 1000), webhook.rawBody).slice(3));
    const matches = signatures.split(' ').some((candidate) => {
      const [version, value] = candidate.split(',');
      if (version !== 'v1' || !value) return false;
      const given = Buffer.from(value);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!matches) throw new WebhookSignatureError('no matching webhook signature');

    let json: unknown;
    try {
      json = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch {
      throw new MalformedWebhookError('the webhook body is not JSON');
    }
    const body = ParleyProviderWebhook.safeParse(json);
    if (!body.success)
      throw new MalformedWebhookError(
        `the webhook body does not fit: ${body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      );
    if (body.data.identity === undefined && body.data.type.startsWith('participant.'))
      throw new MalformedWebhookError('identity: required for participant events');
    return [
      {
        provider: PARLEY_PROVIDER,
        eventId: id,
        type: body.data.type,
        roomId: body.data.roomId,
        identity: body.data.identity,
        durationSeconds: body.data.durationSeconds,
        occurredAt: body.data.occurredAt,
      },
    ];
  }

  /** Nothing to tear down: the call's end is recorded by the gateway itself. */
  async endRoom(_roomId: string): Promise<void> {}
}
