import {
  ProviderAccessToken,
  VideoIdentity,
  VideoInvite,
  type ProviderName,
  type StartVideoCallRequest,
  type VideoTokenRequest,
} from '@parley/protocol';
import { pathSegment, type GatewayClient } from '../gateway/gateway-client.js';
import { AccessTokenCache } from './access-token-cache.js';

/** @internal What a Video needs. */
export interface VideoOptions {
  gateway: GatewayClient;
  /** Epoch ms; a test passes a fake clock. */
  now?: () => number;
}

/** The key of the default provider's token (no provider named in the request). */
const DEFAULT_PROVIDER = '';

/**
 * Video calling through the webhook gateway: this user's provider access token (cached, renewed before it
 * expires), the provider identity of whom to call, and invites the gateway rings for a while and, unanswered,
 * turns into a missed call with a push to the callee.
 */
export class Video {
  private readonly tokens: AccessTokenCache;

  /** @internal Made by a Messenger (`messenger.video`). */
  constructor(private readonly options: VideoOptions) {
    this.tokens = new AccessTokenCache((provider) => {
      const body: VideoTokenRequest = provider ? { provider } : {};
      return options.gateway.request('video.token()', 'POST', '/v1/video/token', ProviderAccessToken, body);
    }, options.now);
  }

  /**
   * This user's access token for `provider` (the gateway's default when omitted). The same token is returned
   * until 80 % of its lifetime (or 60 s before `expires_at`, whichever is first); then a new one is fetched.
   * Concurrent callers share one request. Ask again before handing a token to the provider's SDK.
   */
  token(provider?: ProviderName): Promise<ProviderAccessToken> {
    return this.tokens.get(provider ?? DEFAULT_PROVIDER);
  }

  /** When the cached token for `provider` is due for renewal (epoch ms), or undefined when none is cached. */
  tokenRenewsAt(provider?: ProviderName): number | undefined {
    return this.tokens.renewsAt(provider ?? DEFAULT_PROVIDER);
  }

  /** The provider's identity of a user: whom to invite into the provider's room. */
  identity(userId: string): Promise<VideoIdentity> {
    return this.options.gateway.request(
      'video.identity()',
      'GET',
      `/v1/video/identity/${pathSegment(userId)}`,
      VideoIdentity,
    );
  }

  /** Invites `calleeId`, a participant of the conversation, to a video call; the gateway rings them. */
  call(
    conversationId: string,
    calleeId: string,
    options: { provider?: ProviderName } = {},
  ): Promise<VideoInvite> {
    const body: StartVideoCallRequest = { conversationId, calleeId, ...options };
    return this.options.gateway.request('video.call()', 'POST', '/v1/video/calls', VideoInvite, body);
  }

  /** An invite of this user (as caller or callee) as the gateway knows it now: tries, status, how it ended. */
  invite(inviteId: string): Promise<VideoInvite> {
    return this.options.gateway.request(
      'video.invite()',
      'GET',
      `/v1/video/calls/${pathSegment(inviteId)}`,
      VideoInvite,
    );
  }

  /** The callee takes the invite. */
  answer(inviteId: string): Promise<VideoInvite> {
    return this.respond(inviteId, 'answer');
  }

  /** The callee turns the invite down. */
  decline(inviteId: string): Promise<VideoInvite> {
    return this.respond(inviteId, 'decline');
  }

  private respond(inviteId: string, action: 'answer' | 'decline'): Promise<VideoInvite> {
    return this.options.gateway.request(
      `video.${action}()`,
      'POST',
      `/v1/video/calls/${pathSegment(inviteId)}/${action}`,
      VideoInvite,
      {},
    );
  }
}
