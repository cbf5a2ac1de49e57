import type { SqlExecutor } from '@parley/db';
import { VoiceAttemptOutcome, VoiceEndReason } from '@parley/protocol';
import { z } from 'zod';
import type { Effect } from './call-engine.js';
import type { ProxiedCall } from './call-record.js';
import type { CallState } from './call-state.js';

interface CallRow {
  id: string;
  cid: string;
  call_id: string;
  customer_id: string;
  customer_peer_info: string;
  state: CallState;
  operator_id: string | null;
  operator_name: string | null;
  attempts: unknown;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  effect_seq: number;
}

/** A call as a transaction holds it: the record plus how many effects it has produced so far. */
export interface LockedCall {
  call: ProxiedCall;
  effectSeq: number;
}

export interface PendingEffect {
  seq: number;
  effect: Effect;
}

/** The stored attempts column, read back with its schema (it is JSON this service wrote, but still input). */
const StoredAttempts = z.array(
  z.object({ operatorId: z.string(), rungAt: z.number(), outcome: VoiceAttemptOutcome }),
);

const COLUMNS = `id, cid, call_id, customer_id, customer_peer_info, state, operator_id, operator_name, attempts,
  started_at, answered_at, ended_at, end_reason, effect_seq`;

const time = (d: Date | null): number | null => (d === null ? null : d.getTime());

function toCall(row: CallRow): ProxiedCall {
  return {
    id: row.id,
    cid: row.cid,
    callId: row.call_id,
    customerId: row.customer_id,
    customerPeerInfo: row.customer_peer_info,
    state: row.state,
    operatorId: row.operator_id,
    operatorName: row.operator_name,
    attempts: StoredAttempts.parse(row.attempts),
    startedAt: row.started_at.getTime(),
    answeredAt: time(row.answered_at),
    endedAt: time(row.ended_at),
    endReason: row.end_reason === null ? null : VoiceEndReason.parse(row.end_reason),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The calls table and the effects waiting to be carried out for each call. */
export class CallsRepository {
  /** Locks the call for the rest of the transaction (transitions of one call run one after another). */
  async lockById(tx: SqlExecutor, id: string): Promise<LockedCall | undefined> {
    const { rows } = await tx.query<CallRow>(`SELECT ${COLUMNS} FROM calls WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && { call: toCall(rows[0]), effectSeq: rows[0].effect_seq };
  }

  async lockByCallKey(tx: SqlExecutor, cid: string, callId: string): Promise<LockedCall | undefined> {
    const { rows } = await tx.query<CallRow>(
      `SELECT ${COLUMNS} FROM calls WHERE cid = $1 AND call_id = $2 FOR UPDATE`,
      [cid, callId],
    );
    return rows[0] && { call: toCall(rows[0]), effectSeq: rows[0].effect_seq };
  }

  async hasOpenCall(tx: SqlExecutor, customerId: string): Promise<boolean> {
    const { rowCount } = await tx.query(`SELECT 1 FROM calls WHERE customer_id = $1 AND state <> 'ended'`, [
      customerId,
    ]);
    return rowCount > 0;
  }

  /** Calls of the line not ended yet, on every replica. */
  async countOpen(db: SqlExecutor): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls WHERE state <> 'ended'`,
    );
    return rows[0]?.n ?? 0;
  }

  async insert(tx: SqlExecutor, call: ProxiedCall): Promise<void> {
    await tx.query(
      `INSERT INTO calls (id, cid, call_id, customer_id, customer_peer_info, state, attempts, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, '[]'::jsonb, $7)`,
      [
        call.id,
        call.cid,
        call.callId,
        call.customerId,
        call.customerPeerInfo,
        call.state,
        iso(call.startedAt),
      ],
    );
  }

  /** Writes the call's new state and appends its effects, numbered after the ones it already had. */
  async save(
    tx: SqlExecutor,
    call: ProxiedCall,
    effectSeqBefore: number,
    effects: Effect[],
  ): Promise<number> {
    const effectSeq = effectSeqBefore + effects.length;
    await tx.query(
      `UPDATE calls SET state = $2, operator_id = $3, operator_name = $4, attempts = $5::jsonb,
         answered_at = $6, ended_at = $7, end_reason = $8, effect_seq = $9
       WHERE id = $1`,
      [
        call.id,
        call.state,
        call.operatorId,
        call.operatorName,
        JSON.stringify(call.attempts),
        iso(call.answeredAt),
        iso(call.endedAt),
        call.endReason,
        effectSeq,
      ],
    );
    for (const [i, effect] of effects.entries())
      await tx.query(`INSERT INTO pending_effects (call_id, seq, effect) VALUES ($1, $2, $3::jsonb)`, [
        call.id,
        effectSeqBefore + i + 1,
        JSON.stringify(effect),
      ]);
    return effectSeq;
  }

  async pendingEffects(tx: SqlExecutor, callId: string): Promise<PendingEffect[]> {
    const { rows } = await tx.query<{ seq: number; effect: Effect }>(
      `SELECT seq, effect FROM pending_effects WHERE call_id = $1 ORDER BY seq`,
      [callId],
    );
    return rows;
  }

  async clearEffect(tx: SqlExecutor, callId: string, seq: number): Promise<void> {
    await tx.query(`DELETE FROM pending_effects WHERE call_id = $1 AND seq = $2`, [callId, seq]);
  }

  /** Calls with effects not carried out yet, oldest first (left by a failed send or a crash). */
  async callsWithPendingEffects(db: SqlExecutor, olderThanMs: number, limit = 100): Promise<string[]> {
    const { rows } = await db.query<{ call_id: string }>(
      `SELECT call_id FROM pending_effects WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)
       GROUP BY call_id ORDER BY min(created_at) LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.call_id);
  }

  /**
   * A page of calls, newest first, after the keyset cursor: all of them, or those `operatorId` was rung
   * for.
   */
  async page(
    db: SqlExecutor,
    options: { operatorId?: string; before?: { startedAt: string; id: string }; limit: number },
  ): Promise<ProxiedCall[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.operatorId !== undefined) {
      params.push(JSON.stringify([{ operatorId: options.operatorId }]));
      where.push(`attempts @> $${params.length}::jsonb`);
    }
    if (options.before) {
      params.push(options.before.startedAt, options.before.id);
      where.push(`(started_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(options.limit);
    const { rows } = await db.query<CallRow>(
      `SELECT ${COLUMNS} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toCall);
  }
}
