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
  };
}

const COLUMNS = 'id, username, display_name, msisdn, password_hash, created_at, avatar_url, phone_visible';

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
}

@Injectable()
export class OAuthClientsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async upsert(c: { id: string; name: string; secretHash: string; scopes: string[] }): Promise<void> {
    await this.db.query(
      `INSERT INTO oauth_clients (id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes`,
      [c.id, c.name, c.secretHash, c.scopes],
    );
  }

  async findById(id: string): Promise<ClientRow | undefined> {
    const { rows } = await this.db.query<ClientRow>(
      `SELECT id, name, secret_hash, scopes FROM oauth_clients WHERE id = $1`,
      [id],
    );
    return rows[0];
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
