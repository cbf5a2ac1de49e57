import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { Site } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

interface SiteRow {
  id: string;
  name: string;
  site_key: string;
  allowed_origins: string[];
  created_at: Date;
}

export interface GuestRow {
  user_id: string;
  site_id: string | null;
  created_by_client: string | null;
  secret_hash: string;
  merged_into: string | null;
}

export function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    siteKey: row.site_key,
    allowedOrigins: row.allowed_origins,
    createdAt: row.created_at.toISOString(),
  };
}

/** Sites (whose visitors may become guests) and guests: the `guest_sites` and `guests` tables. */
@Injectable()
export class GuestsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insertSite(s: {
    id: string;
    name: string;
    siteKey: string;
    allowedOrigins: string[];
  }): Promise<Site> {
    const { rows } = await this.db.query<SiteRow>(
      `INSERT INTO guest_sites (id, name, site_key, allowed_origins) VALUES ($1, $2, $3, $4) RETURNING *`,
      [s.id, s.name, s.siteKey, s.allowedOrigins],
    );
    return toSite(rows[0]!);
  }

  async listSites(): Promise<Site[]> {
    const { rows } = await this.db.query<SiteRow>(`SELECT * FROM guest_sites ORDER BY created_at, id`);
    return rows.map(toSite);
  }

  /** Every origin any site allows (for CORS). */
  async allSiteOrigins(): Promise<string[]> {
    const { rows } = await this.db.query<{ origin: string }>(
      `SELECT DISTINCT unnest(allowed_origins) AS origin FROM guest_sites`,
    );
    return rows.map((r) => r.origin);
  }

  async findSiteByKey(siteKey: string): Promise<Site | undefined> {
    const { rows } = await this.db.query<SiteRow>(`SELECT * FROM guest_sites WHERE site_key = $1`, [siteKey]);
    return rows[0] ? toSite(rows[0]) : undefined;
  }

  /** The guest's user row and guest row, in one transaction. */
  async insertGuest(g: {
    userId: string;
    username: string;
    displayName: string;
    siteId: string | null;
    createdByClient: string | null;
    secretHash: string;
  }): Promise<void> {
    await this.db.transaction(async (tx) => {
      // A password hash no secret can match: guests never sign in with a password.
      await tx.query(
        `INSERT INTO users (id, username, display_name, msisdn, password_hash, is_guest) VALUES ($1, $2, $3, NULL, '!guest', true)`,
        [g.userId, g.username, g.displayName],
      );
      await tx.query(
        `INSERT INTO guests (user_id, site_id, created_by_client, secret_hash) VALUES ($1, $2, $3, $4)`,
        [g.userId, g.siteId, g.createdByClient, g.secretHash],
      );
    });
  }

  async findGuest(userId: string): Promise<GuestRow | undefined> {
    const { rows } = await this.db.query<GuestRow>(
      `SELECT user_id, site_id, created_by_client, secret_hash, merged_into FROM guests WHERE user_id = $1`,
      [userId],
    );
    return rows[0];
  }

  /** Marks the guest merged unless it already is; false when another merge got there first. */
  async markMerged(guestId: string, userId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `UPDATE guests SET merged_into = $2, merged_at = now() WHERE user_id = $1 AND merged_into IS NULL RETURNING user_id`,
      [guestId, userId],
    );
    return rows.length === 1;
  }

  async isGuest(userId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ is_guest: boolean }>(`SELECT is_guest FROM users WHERE id = $1`, [
      userId,
    ]);
    return rows[0]?.is_guest === true;
  }
}
