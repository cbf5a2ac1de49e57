import type { ProviderAccessToken, VideoIdentity } from '@parley/protocol';
import type { MessagingServerClient } from '@parley/server-sdk';
import { NotFoundError } from '@parley/service-kit';
import { askMessaging } from '../core/ask-messaging.js';
import type { ProviderRegistry } from '../providers/registry.js';

/**
 * Who someone is to a video provider, and a token for oneself. A user's provider identity is their user id
 * on every provider, so a participant event from any provider names a Parley user.
 */
export class VideoAccessService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly messaging: MessagingServerClient,
    private readonly defaultProvider: string,
    private readonly tokenTtlSeconds: number,
  ) {}

  /** `POST /v1/video/token`: the seed's "check expires_at and ask again before it". */
  async tokenFor(userId: string, provider: string | undefined): Promise<ProviderAccessToken> {
    const adapter = this.registry.get(provider ?? this.defaultProvider);
    const issued = await adapter.accessToken({ identity: userId, ttlSeconds: this.tokenTtlSeconds });
    return {
      provider: adapter.name,
      identity: issued.identity,
      token: issued.token,
      expires_at: issued.expiresAt,
    };
  }

  /** `GET /v1/video/identity/:userId`: only for users the caller may see at messaging. */
  async identityOf(authorization: string, userId: string): Promise<VideoIdentity> {
    if (!(await askMessaging(this.messaging.userAs(authorization, userId))))
      throw new NotFoundError('no such user');
    return { userId, identity: userId };
  }
}
