import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  DEFAULT_USER_SCOPES,
  FAST_TEST_SCRYPT_PARAMS,
  generateOpaqueToken,
  hashSecret,
  Scopes,
  sha256Base64Url,
  verifySecret,
  type TokenIssuer,
} from '@parley/auth';
import { isUniqueViolation } from '@parley/db';
import type { Logger } from '@parley/logger';
import type { AuthSession, SignUpRequest, TokenRequest, TokenResponse, User } from '@parley/protocol';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import {
  ConflictError,
  InvalidClientError,
  InvalidCredentialsError,
  InvalidScopeError,
  NotFoundError,
} from '../errors/domain-errors.js';
import { LOGGER, TOKEN_ISSUER } from '../infrastructure/tokens.js';
import { acceptedSecretHashes } from './client-secrets.js';
import { grantScopes } from './scope-grant.js';
import {
  OAuthClientsRepository,
  type ClientRow,
  RefreshTokensRepository,
  toUser,
  UsersRepository,
  type UserRow,
} from './users.repository.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Compared against when a username does not exist, so a login takes as long either way.
const DUMMY_HASH_PROMISE = hashSecret('parley-timing-equaliser');

@Injectable()
export class IdentityService implements OnModuleInit {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(OAuthClientsRepository) private readonly clients: OAuthClientsRepository,
    @Inject(RefreshTokensRepository) private readonly refreshTokens: RefreshTokensRepository,
    @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Machine clients are declared in the environment; their secrets are stored hashed. */
  async onModuleInit(): Promise<void> {
    for (const client of this.config.identity.oauthClients) {
      await this.clients.upsert({
        id: client.id,
        name: client.name ?? client.id,
        secretHash: await hashSecret(client.secret),
        scopes: client.scopes,
      });
    }
    if (this.config.identity.oauthClients.length > 0)
      this.logger.info(
        { clients: this.config.identity.oauthClients.map((c) => c.id) },
        'oauth clients registered',
      );
  }

  async signUp(req: SignUpRequest): Promise<AuthSession> {
    let row: UserRow;
    try {
      row = await this.users.insert({
        id: randomUUID(),
        username: req.username,
        displayName: req.displayName ?? req.username,
        msisdn: req.msisdn ?? null,
        passwordHash: await this.hashPassword(req.password),
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(
          String((err as { constraint?: string }).constraint ?? '').includes('msisdn')
            ? 'msisdn is already registered'
            : 'username is taken',
        );
      }
      throw err;
    }
    return { user: toUser(row), tokens: await this.issueUserTokens(row, DEFAULT_USER_SCOPES) };
  }

  async login(username: string, password: string, scope?: string): Promise<AuthSession> {
    const row = await this.checkPassword(username, password);
    return {
      user: toUser(row),
      tokens: await this.issueUserTokens(row, grantScopes(DEFAULT_USER_SCOPES, scope)),
    };
  }

  /** POST /oauth/token */
  async token(req: TokenRequest): Promise<TokenResponse> {
    switch (req.grant_type) {
      case 'password': {
        const row = await this.checkPassword(req.username, req.password);
        return this.issueUserTokens(row, grantScopes(DEFAULT_USER_SCOPES, req.scope));
      }
      case 'client_credentials': {
        const client = await this.clients.findById(req.client_id);
        const ok = await this.matchesClientSecret(req.client_secret, client);
        if (!client || !ok) throw new InvalidClientError('unknown client or wrong secret');
        const scopes = grantScopes(client.scopes, req.scope);
        const access = await this.issuer.issueAccessToken({ subject: client.id, kind: 'client', scopes });
        return {
          access_token: access.accessToken,
          token_type: 'Bearer',
          expires_in: access.expiresIn,
          expires_at: access.expiresAt,
          scope: scopes.join(' '),
        };
      }
      case 'refresh_token': {
        const stored = await this.refreshTokens.consume(sha256Base64Url(req.refresh_token));
        if (!stored) throw new InvalidCredentialsError('refresh token is invalid, expired or already used');
        const row = await this.users.findById(stored.user_id);
        if (!row) throw new InvalidCredentialsError('refresh token is invalid, expired or already used');
        return this.issueUserTokens(row, grantScopes(stored.scopes, req.scope));
      }
    }
  }

  async getUser(id: string): Promise<User> {
    const row = await this.users.findById(id);
    if (!row) throw new NotFoundError('user not found');
    return toUser(row);
  }

  async userExists(id: string): Promise<boolean> {
    return UUID_PATTERN.test(id) && (await this.users.findById(id)) !== undefined;
  }

  async clientExists(id: string): Promise<boolean> {
    const client = await this.clients.findById(id);
    return client !== undefined && client.revoked_at === null;
  }

  /** A machine client allowed to speak for calls (a voice proxy): users may address signals to it. */
  async isVoiceProxy(id: string): Promise<boolean> {
    const client = await this.clients.findById(id);
    return (client?.revoked_at === null && client.scopes.includes(Scopes.voiceProxy)) ?? false;
  }

  /** The user an msisdn belongs to (msisdns are unique), for services that know people by number. */
  async userIdByMsisdn(msisdn: string): Promise<string | undefined> {
    return (await this.users.findByMsisdn(msisdn))?.id;
  }

  /** Checks every accepted hash (a revoked client has none: the dummy keeps its answer as slow as a wrong one). */
  private async matchesClientSecret(secret: string, client: ClientRow | undefined): Promise<boolean> {
    const hashes = client ? acceptedSecretHashes(client, new Date()) : [];
    if (hashes.length === 0) {
      await verifySecret(secret, await DUMMY_HASH_PROMISE);
      return false;
    }
    let matched = false;
    for (const hash of hashes) if (await verifySecret(secret, hash)) matched = true;
    return matched;
  }

  private hashPassword(password: string): Promise<string> {
    return this.config.identity.passwordHashProfile === 'fast-test'
      ? hashSecret(password, FAST_TEST_SCRYPT_PARAMS)
      : hashSecret(password);
  }

  private async checkPassword(username: string, password: string): Promise<UserRow> {
    const row = await this.users.findByUsername(username);
    const ok = await verifySecret(password, row?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!row || !ok) throw new InvalidCredentialsError('wrong username or password');
    return row;
  }

  private async issueUserTokens(row: UserRow, scopes: string[]): Promise<TokenResponse> {
    if (scopes.length === 0) throw new InvalidScopeError('none of the requested scopes can be granted');
    const access = await this.issuer.issueAccessToken({
      subject: row.id,
      kind: 'user',
      scopes,
      username: row.username,
      ...(row.msisdn ? { msisdn: row.msisdn } : {}),
    });
    const refresh = generateOpaqueToken(32);
    await this.refreshTokens.insert({
      tokenHash: sha256Base64Url(refresh),
      userId: row.id,
      scopes,
      expiresAt: new Date(Date.now() + this.config.tokens.refreshTokenTtlSeconds * 1000),
    });
    return {
      access_token: access.accessToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      expires_at: access.expiresAt,
      refresh_token: refresh,
      scope: scopes.join(' '),
    };
  }
}
