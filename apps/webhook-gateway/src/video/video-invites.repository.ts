import type { SqlExecutor } from '@parley/db';
import { VideoInviteStatus } from '@parley/protocol';

/** An invite as stored; the call it rings for is the core's record, joined in by the service. */
export interface StoredInvite {
  id: string;
  callId: string;
  conversationId: string;
  callerId: string;
  calleeId: string;
  status: VideoInviteStatus;
  tries: number;
  maxTries: number;
  windowMs: number;
  createdAt: Date;
  endedAt: Date | null;
  lastError: string | null;
  missedEffectsDone: boolean;
  pushedSubscriptionIds: string[];
}

interface InviteRow {
  id: string;
  call_id: string;
  conversation_id: string;
  caller_id: string;
  callee_id: string;
  status: string;
  tries: number;
  max_tries: number;
  window_ms: number;
  created_at: Date;
  ended_at: Date | null;
  last_error: string | null;
  missed_effects_done: boolean;
  pushed_subscription_ids: string[] | null;
}

const COLUMNS = `id, call_id, conversation_id, caller_id, callee_id, status, tries, max_tries, window_ms,
  created_at, ended_at, last_error, missed_effects_done, pushed_subscription_ids`;

function toInvite(row: InviteRow): StoredInvite {
  return {
    id: row.id,
    callId: row.call_id,
    conversationId: row.conversation_id,
    callerId: row.caller_id,
    calleeId: row.callee_id,
    status: VideoInviteStatus.parse(row.status),
    tries: row.tries,
    maxTries: row.max_tries,
    windowMs: row.window_ms,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    lastError: row.last_error,
    missedEffectsDone: row.missed_effects_done,
    pushedSubscriptionIds: row.pushed_subscription_ids ?? [],
  };
}

/** The video_invites table. */
export class VideoInvitesRepository {
  async insert(
    tx: SqlExecutor,
    invite: Pick<StoredInvite, 'id' | 'callId' | 'conversationId' | 'callerId' | 'calleeId' | 'maxTries' | 'windowMs'>,
  ): Promise<StoredInvite> {
    const { rows } = await tx.query<InviteRow>(
      `INSERT INTO video_invites (id, call_id, conversation_id, caller_id, callee_id, status, max_tries, window_ms)
       VALUES ($1, $2, $3, $4, $5, 'inviting', $6, $7) RETURNING ${COLUMNS}`,
      [
        invite.id,
        invite.callId,
        invite.conversationId,
        invite.callerId,
        invite.calleeId,
        invite.maxTries,
        invite.windowMs,
      ],
    );
    return toInvite(rows[0]!);
  }

  async find(db: SqlExecutor, id: string): Promise<StoredInvite | undefined> {
    const { rows } = await db.query<InviteRow>(`SELECT ${COLUMNS} FROM video_invites WHERE id = $1`, [id]);
    return rows[0] && toInvite(rows[0]);
  }

  /** Locks the invite for the rest of the transaction: its moves run one after another. */
  async lock(tx: SqlExecutor, id: string): Promise<StoredInvite | undefined> {
    const { rows } = await tx.query<InviteRow>(
      `SELECT ${COLUMNS} FROM video_invites WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] && toInvite(rows[0]);
  }

  /** The invites still ringing for a call (a participant joining through the provider answers them). */
  async invitingForCall(db: SqlExecutor, callId: string): Promise<StoredInvite[]> {
    const { rows } = await db.query<InviteRow>(
      `SELECT ${COLUMNS} FROM video_invites WHERE call_id = $1 AND status = 'inviting'`,
      [callId],
    );
    return rows.map(toInvite);
  }

  async recordTry(tx: SqlExecutor, id: string, ring: number): Promise<void> {
    await tx.query('UPDATE video_invites SET tries = GREATEST(tries, $2) WHERE id = $1', [id, ring]);
  }

  async end(
    tx: SqlExecutor,
    id: string,
    status: VideoInviteStatus,
    endedAt: Date,
    lastError: string | null = null,
  ): Promise<StoredInvite> {
    const { rows } = await tx.query<InviteRow>(
      `UPDATE video_invites SET status = $2, ended_at = $3, last_error = COALESCE($4, last_error)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, status, endedAt, lastError],
    );
    return toInvite(rows[0]!);
  }

  async addPushed(db: SqlExecutor, id: string, subscriptionIds: string[]): Promise<void> {
    if (subscriptionIds.length === 0) return;
    await db.query(
      `UPDATE video_invites SET pushed_subscription_ids = pushed_subscription_ids || $2::uuid[] WHERE id = $1`,
      [id, subscriptionIds],
    );
  }

  async markMissedEffectsDone(db: SqlExecutor, id: string): Promise<void> {
    await db.query('UPDATE video_invites SET missed_effects_done = true WHERE id = $1', [id]);
  }
}
