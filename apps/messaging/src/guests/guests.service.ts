import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Scopes, type TokenIssuer } from '@parley/auth';
import type {
  CreateSiteRequest,
  GuestSession,
  MergeGuestResponse,
  Site,
  TokenResponse,
  WidgetGuestRequest,
} from '@parley/protocol';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { IdentityService } from '../identity/identity.service.js';
import { MachineClientsService } from '../identity/machine-clients.service.js';
import { TOKEN_ISSUER } from '../infrastructure/tokens.js';
import { SiteOrigins } from './site-origins.js';
import { guestSecretMatches, newGuestSecret, originAllowed, visitorDisplayName } from './guest-secret.js';
import { GuestsRepository } from './guests.repository.js';

/** What a guest token may do: read and write in the conversations the guest is in, nothing else. */
export const GUEST_SCOPES = [Scopes.messagesRead, Scopes.messagesWrite];

@Injectable()
export class GuestsService {
  constructor(
    @Inject(GuestsRepository) private readonly repo: GuestsRepository,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(MachineClientsService) private readonly clients: MachineClientsService,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(SiteOrigins) private readonly siteOrigins: SiteOrigins,
  ) {}

  async createSite(req: CreateSiteRequest): Promise<Site> {
    const site = await this.repo.insertSite({
      id: randomUUID(),
      name: req.name,
      siteKey: `site_${randomBytes(16).toString('hex')}`,
      allowedOrigins: [...new Set(req.allowedOrigins)],
    });
    this.siteOrigins.invalidate();
    return site;
  }

  listSites(): Promise<Site[]> {
    return this.repo.listSites();
  }

  /**
   * The widget's guest: new, or the same guest again with `resume`. The site key is public, so the
   * browser's Origin header is what ties the request to the site; an unknown key is refused the same way
   * as a wrong origin, so keys cannot be probed.
   */
  async widgetGuest(req: WidgetGuestRequest, origin: string | undefined): Promise<GuestSession> {
    const site = await this.repo.findSiteByKey(req.siteKey);
    if (!site || !originAllowed(origin, site.allowedOrigins))
      throw new ForbiddenError('this origin may not use this site key');
    if (req.resume) {
      const guest = await this.repo.findGuest(req.resume.guestId);
      if (
        !guest ||
        guest.site_id !== site.id ||
        guest.merged_into !== null ||
        !guestSecretMatches(req.resume.guestSecret, guest.secret_hash)
      )
        throw new ForbiddenError('this guest cannot be resumed');
      return {
        guest: await this.identity.getUser(guest.user_id),
        tokens: await this.guestTokens(guest.user_id),
      };
    }
    return this.createGuest({ siteId: site.id, createdByClient: null });
  }

  /** A guest made by a site's backend (a machine client holding `guests.create`). */
  async backendGuest(clientId: string, displayName: string | undefined): Promise<GuestSession> {
    return this.createGuest({ siteId: null, createdByClient: clientId, displayName });
  }

  /**
   * The guest's conversations move to `userId` (added with the guest's permissions, then the guest
   * removed, each with its participants event) and the guest can no longer get tokens. Tokens it already
   * holds keep working until they expire (GUEST_TOKEN_TTL_SECONDS), but it is in no conversation any more.
   */
  async merge(clientId: string, guestId: string, userId: string): Promise<MergeGuestResponse> {
    const guest = await this.repo.findGuest(guestId);
    if (!guest) throw new NotFoundError('guest not found');
    if (guestId === userId) throw new ValidationError('userId: a guest cannot be merged into itself');
    if (!(await this.identity.userExists(userId)) || (await this.repo.isGuest(userId)))
      throw new ValidationError('userId: no registered user with this id', [
        { path: 'userId', message: 'not a registered user' },
      ]);
    if (!(await this.repo.markMerged(guestId, userId)))
      throw new ForbiddenError('this guest was already merged');
    const actorId = await this.clients.clientUserId(clientId);
    const moved: string[] = [];
    for (const conversation of await this.conversations.listForUser(guestId)) {
      const asGuest = conversation.participants.find((p) => p.userId === guestId);
      await this.conversations.addParticipantsForClient(actorId, conversation.id, {
        participants: [{ userId, ...(asGuest ? { permissions: asGuest.permissions } : {}) }],
      });
      await this.conversations.removeParticipantForClient(actorId, conversation.id, guestId);
      moved.push(conversation.id);
    }
    return { userId, conversationIds: moved };
  }

  async isGuest(userId: string): Promise<boolean> {
    return this.repo.isGuest(userId);
  }

  /** The site a guest came from (null for guests made by a backend or unknown users). */
  async siteOf(userId: string): Promise<string | null> {
    return (await this.repo.findGuest(userId))?.site_id ?? null;
  }

  private async createGuest(g: {
    siteId: string | null;
    createdByClient: string | null;
    displayName?: string;
  }): Promise<GuestSession> {
    const userId = randomUUID();
    const { secret, hash } = newGuestSecret();
    await this.repo.insertGuest({
      userId,
      username: `guest.${randomBytes(8).toString('hex')}`,
      displayName: g.displayName ?? visitorDisplayName(userId),
      siteId: g.siteId,
      createdByClient: g.createdByClient,
      secretHash: hash,
    });
    return {
      guest: await this.identity.getUser(userId),
      tokens: await this.guestTokens(userId),
      guestSecret: secret,
    };
  }

  /** A short-lived access token and no refresh token: the widget asks again with the guest secret. */
  private async guestTokens(userId: string): Promise<TokenResponse> {
    const user = await this.identity.getUser(userId);
    const access = await this.issuer.issueAccessToken({
      subject: userId,
      kind: 'user',
      scopes: GUEST_SCOPES,
      username: user.username,
      ttlSeconds: this.config.guests.tokenTtlSeconds,
    });
    return {
      access_token: access.accessToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      expires_at: access.expiresAt,
      scope: GUEST_SCOPES.join(' '),
    };
  }
}
