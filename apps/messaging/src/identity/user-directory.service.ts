import { Inject, Injectable } from '@nestjs/common';
import type { UpdateMeRequest, User, UserDirectoryPage } from '@parley/protocol';
import { ForbiddenError, NotFoundError } from '../errors/domain-errors.js';
import { IdentityService } from './identity.service.js';
import { UserDirectoryRepository, type DirectoryRow } from './user-directory.repository.js';

function toDirectoryUser(row: DirectoryRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    msisdn: row.msisdn,
    avatarUrl: row.avatar_url,
    ...(row.is_bot ? { bot: true as const } : {}),
    createdAt: row.created_at.toISOString(),
  };
}

/** Other people as the viewer may see them (see the privacy rule in the repository), and one's own profile. */
@Injectable()
export class UserDirectoryService {
  constructor(
    @Inject(UserDirectoryRepository) private readonly repo: UserDirectoryRepository,
    @Inject(IdentityService) private readonly identity: IdentityService,
  ) {}

  async page(
    viewerId: string,
    query: { username?: string; q?: string; cursor?: string; limit: number },
  ): Promise<UserDirectoryPage> {
    await this.refuseGuest(viewerId);
    if (query.username) {
      const row = await this.repo.findByUsername(viewerId, query.username);
      return { users: row ? [toDirectoryUser(row)] : [], nextCursor: null };
    }
    const rows = await this.repo.page(viewerId, query.q, query.cursor, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      users: page.map(toDirectoryUser),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.username ?? null) : null,
    };
  }

  async get(viewerId: string, userId: string): Promise<User> {
    await this.refuseGuest(viewerId);
    const row = await this.repo.findById(viewerId, userId);
    if (!row) throw new NotFoundError('user not found');
    return toDirectoryUser(row);
  }

  /** A website visitor sees the people of their conversations only, never the directory. */
  private async refuseGuest(viewerId: string): Promise<void> {
    if (await this.repo.isGuest(viewerId)) throw new ForbiddenError('guests cannot use the user directory');
  }

  async updateMe(userId: string, patch: UpdateMeRequest): Promise<User> {
    await this.repo.updateProfile(userId, patch);
    return this.identity.getUser(userId);
  }
}
