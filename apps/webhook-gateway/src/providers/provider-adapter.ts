import type { CallMedia, ProviderEvent } from '@parley/protocol';

/** A room or meeting the provider created for one call. */
export interface CreatedRoom {
  /** The provider's id of the room: what its join method and its webhooks name. */
  roomId: string;
  /** A link anyone invited can open; null when clients must join with the provider's SDK and `roomId`. */
  joinUrl: string | null;
}

/** An access token for one identity, as the provider's client SDK takes it. */
export interface IssuedAccessToken {
  identity: string;
  token: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** An inbound webhook exactly as it arrived: signatures are computed over these bytes, never a re-encoding. */
export interface InboundWebhook {
  rawBody: Buffer;
  /** The media type without parameters, lower-cased (`application/json`, `application/x-www-form-urlencoded`). */
  contentType: string | undefined;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The full public URL the provider called (`GATEWAY_PUBLIC_URL` + path + query): Twilio signs it. */
  publicUrl: string;
}

/**
 * One provider behind the gateway. Adapters are registered by name; adding a provider touches one folder
 * under `src/providers/` and one line of the registry.
 *
 * `verifyWebhook` throws the webhook errors of `webhook-errors.ts` (bad signature → 401, stale timestamp →
 * 401, malformed body → 400, unsupported content type → 415) and otherwise returns the normalised events
 * (none for an event type Parley does not track).
 */
export interface ProviderAdapter {
  readonly name: string;
  createRoom(input: { callId: string; media: CallMedia }): Promise<CreatedRoom>;
  accessToken(input: { identity: string; roomId?: string; ttlSeconds: number }): Promise<IssuedAccessToken>;
  verifyWebhook(webhook: InboundWebhook, now: Date): Promise<ProviderEvent[]>;
  endRoom(roomId: string): Promise<void>;
}
