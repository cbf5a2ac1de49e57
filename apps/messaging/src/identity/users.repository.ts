import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { User } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  msisdn: string | null;
  password_hash: string;
  created_at: Date;
  avatar_url: string | null;
  phone_visible: boolean;
  is_bot: boolean;
}

/** A user as they see themselves (sign-up, log-in, /v1/me): with their number and privacy setting. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    msisdn: row.msisdn,
    createdAt: row.created_at.toISOString(),
    avatarUrl: row.avatar_url,
    phoneVisible: row.phone_visible,
    ...(row.is_bot ? { bot: true as const } : {}),
  };
}

const COLUMNS =
  'id, username, display_name, msisdn, password_hash, created_at, avatar_url, phone_visible, is_bot';

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(u: {
    id: string;
    username: string;
    displayName: string;
    msisdn: string | null;
    passwordHash: string;
  }): Promise<UserRow> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (id, username, display_name, msisdn, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [u.id, u.username, u.displayName, u.msisdn, u.passwordHash],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0];
  }

  async findByMsisdn(msisdn: string): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE msisdn = $1`, [msisdn]);
    return rows[0];
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [
      username.toLowerCase(),
    ]);
    return rows[0];
  }
}

export interface ClientRow {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  created_at: Date;
  previous_secret_hash: string | null;
  previous_secret_expires_at: Date | null;
  secret_rotated_at: Date | null;
  revoked_at: Date | null;
}

const CLIENT_COLUMNS = `id, name, secret_hash, scopes, created_at, previous_secret_hash, previous_secret_expires_at,
  secret_rotated_at, revoked_at`;

@Injectable()
export class OAuthClientsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** A client declared in the environment: the environment is its truth, so a revoked one comes back. */
  async upsert(c: { id: string; name: string; secretHash: string; scopes: string[] }): Promise<void> {
    await this.db.query(
      `INSERT INTO oauth_clients (id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes,
         previous_secret_hash = NULL, previous_secret_expires_at = NULL, revoked_at = NULL`,
      [c.id, c.name, c.secretHash, c.scopes],
    );
  }

  async insert(c: { id: string; name: string; secretHash: string; scopes: string[] }): Promise<ClientRow> {
    const { rows } = await this.db.query<ClientRow>(
      `INSERT INTO oauth_clients (id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4) RETURNING ${CLIENT_COLUMNS}`,
      [c.id, c.name, c.secretHash, c.scopes],
    );
    return rows[0]!;
  }

  /** Any client, revoked ones included (events keep naming them). */
  async findById(id: string): Promise<ClientRow | undefined> {
    const { rows } = await this.db.query<ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async listActive(): Promise<ClientRow[]> {
    const { rows } = await this.db.query<ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE revoked_at IS NULL ORDER BY created_at, id`,
    );
    return rows;
  }

  /** The current secret becomes the previous one until `overlapUntil`; undefined for an unknown or revoked client. */
  async rotateSecret(id: string, secretHash: string, overlapUntil: Date): Promise<ClientRow | undefined> {
    const { rows } = await this.db.query<ClientRow>(
      `UPDATE oauth_clients SET previous_secret_hash = secret_hash, previous_secret_expires_at = $3,
         secret_hash = $2, secret_rotated_at = now()
       WHERE id = $1 AND revoked_at IS NULL RETURNING ${CLIENT_COLUMNS}`,
      [id, secretHash, overlapUntil],
    );
    return rows[0];
  }

  async revoke(id: string): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE oauth_clients SET revoked_at = now(), previous_secret_hash = NULL, previous_secret_expires_at = NULL
       WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}

/** The users a client acts as: its named bots, and itself (bot id ''). */
@Injectable()
export class ClientBotsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findUserId(clientId: string, botId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM client_bots WHERE client_id = $1 AND bot_id = $2',
      [clientId, botId],
    );
    return rows[0]?.user_id;
  }

  /**
   * Creates the bot's user and its link in one transaction; when another request created it first, the
   * transaction rolls back on the link's key and the winner's user is returned.
   */
  async create(
    clientId: string,
    botId: string,
    user: { id: string; username: string; displayName: string; avatarUrl: string | null },
  ): Promise<string> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO users (id, username, display_name, password_hash, avatar_url, is_bot)
           VALUES ($1, $2, $3, '!bot', $4, true)`,
          [user.id, user.username, user.displayName, user.avatarUrl],
        );
        await tx.query('INSERT INTO client_bots (client_id, bot_id, user_id) VALUES ($1, $2, $3)', [
          clientId,
          botId,
          user.id,
        ]);
      });
      return user.id;
    } catch (err) {
      const existing = await this.findUserId(clientId, botId);
      if (existing) return existing;
      throw err;
    }
  }

  /** Keeps a bot's shown name and picture as the client last gave them. */
  async updateProfile(userId: string, displayName: string, avatarUrl: string | null): Promise<void> {
    await this.db.query(
      `UPDATE users SET display_name = $2, avatar_url = $3
       WHERE id = $1 AND is_bot AND (display_name <> $2 OR avatar_url IS DISTINCT FROM $3)`,
      [userId, displayName, avatarUrl],
    );
  }
}

export interface RefreshTokenRow {
  token_hash: string;
  user_id: string;
  scopes: string[];
  expires_at: Date;
  revoked_at: Date | null;
}

@Injectable()
export class RefreshTokensRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(t: { tokenHash: string; userId: string; scopes: string[]; expiresAt: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO refresh_tokens (token_hash, user_id, scopes, expires_at) VALUES ($1, $2, $3, $4)`,
      [t.tokenHash, t.userId, t.scopes, t.expiresAt],
    );
  }

  /** Rotation: a refresh token works once; the UPDATE makes two racing uses see one winner. */
  async consume(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const { rows } = await this.db.query<RefreshTokenRow>(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
       RETURNING token_hash, user_id, scopes, expires_at, revoked_at`,
      [tokenHash],
    );
    return rows[0];
  }
}
