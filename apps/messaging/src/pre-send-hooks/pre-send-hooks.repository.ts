import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { PreSendHook, PreSendHookFallback } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

export interface PreSendHookRow {
  scope: string;
  url: string;
  timeout_ms: number;
  fallback: PreSendHookFallback;
  secret: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export function toPreSendHook(row: PreSendHookRow): PreSendHook {
  return {
    scope: row.scope,
    url: row.url,
    timeoutMs: row.timeout_ms,
    fallback: row.fallback,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

@Injectable()
export class PreSendHooksRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async all(): Promise<PreSendHookRow[]> {
    const { rows } = await this.db.query<PreSendHookRow>(`SELECT * FROM pre_send_hooks ORDER BY scope`);
    return rows;
  }

  /**
   * Creates or updates the scope's hook. A new secret is written on creation always, on update only when
   * `rotatedSecret` is given. `created` says which it was.
   */
  async upsert(hook: {
    scope: string;
    url: string;
    timeoutMs: number;
    fallback: PreSendHookFallback;
    newSecret: string;
    rotate: boolean;
    actor: string;
  }): Promise<{ row: PreSendHookRow; created: boolean }> {
    const { rows } = await this.db.query<PreSendHookRow & { created: boolean }>(
      `INSERT INTO pre_send_hooks (scope, url, timeout_ms, fallback, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (scope) DO UPDATE SET url = EXCLUDED.url, timeout_ms = EXCLUDED.timeout_ms,
         fallback = EXCLUDED.fallback, updated_at = now(),
         secret = CASE WHEN $7::boolean THEN EXCLUDED.secret ELSE pre_send_hooks.secret END
       RETURNING *, (xmax = 0) AS created`,
      [hook.scope, hook.url, hook.timeoutMs, hook.fallback, hook.newSecret, hook.actor, hook.rotate],
    );
    const { created, ...row } = rows[0]!;
    return { row, created };
  }

  async remove(scope: string): Promise<boolean> {
    const { rows } = await this.db.query(`DELETE FROM pre_send_hooks WHERE scope = $1 RETURNING scope`, [
      scope,
    ]);
    return rows.length > 0;
  }
}
