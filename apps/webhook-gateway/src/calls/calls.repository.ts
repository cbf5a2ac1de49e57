import type { SqlExecutor } from '@parley/db';
import { ProviderCall, ProviderEventType, Timestamp } from '@parley/protocol';
import { z } from 'zod';
import type { CallState, ParticipantFact } from './call-state.js';

interface CallRow {
  id: string;
  provider: string;
  room_id: string;
  conversation_id: string;
  created_by: string;
  media: string;
  join_url: string | null;
  status: string;
  participants: unknown;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  participants_seen: unknown;
  version: number;
}

/** The stored participant facts, read back with their schema (JSON this service wrote, but still input). */
const StoredParticipantFacts = z.record(
  z.string(),
  z.object({ type: ProviderEventType.extract(['participant.joined', 'participant.left']), at: Timestamp }),
);

/** A call as a transaction holds it: the record plus its version (the id of its next update event). */
export interface VersionedCall {
  call: ProviderCall;
  /** What is known of each participant beyond the public record (see CallState.lastSeen). */
  lastSeen: Record<string, ParticipantFact>;
  version: number;
}

const COLUMNS = `id, provider, room_id, conversation_id, created_by, media, join_url, status, participants,
  created_at, started_at, ended_at, duration_seconds, participants_seen, version`;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Rows are this service's own writes, but still input: each is read back through the protocol schema. */
function toVersionedCall(row: CallRow): VersionedCall {
  const call = ProviderCall.parse({
    id: row.id,
    provider: row.provider,
    roomId: row.room_id,
    conversationId: row.conversation_id,
    createdBy: row.created_by,
    media: row.media,
    joinUrl: row.join_url,
    status: row.status,
    participants: row.participants,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    durationSeconds: row.duration_seconds,
  });
  return { call, lastSeen: StoredParticipantFacts.parse(row.participants_seen), version: row.version };
}

/** The SQL of the `calls` table; every method runs on the executor it is given (a transaction or the pool). */
export class CallsRepository {
  async insert(db: SqlExecutor, call: ProviderCall): Promise<void> {
    await db.query(
      `INSERT INTO calls (id, provider, room_id, conversation_id, created_by, media, join_url, status,
         participants, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
      [
        call.id,
        call.provider,
        call.roomId,
        call.conversationId,
        call.createdBy,
        call.media,
        call.joinUrl,
        call.status,
        JSON.stringify(call.participants),
        call.createdAt,
      ],
    );
  }

  async byId(db: SqlExecutor, id: string, options: { lock?: boolean } = {}): Promise<VersionedCall | null> {
    const { rows } = await db.query<CallRow>(
      `SELECT ${COLUMNS} FROM calls WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toVersionedCall(rows[0]) : null;
  }

  /** The call a provider's room belongs to, locked for the transaction that applies an event to it. */
  async byRoomForUpdate(db: SqlExecutor, provider: string, roomId: string): Promise<VersionedCall | null> {
    const { rows } = await db.query<CallRow>(
      `SELECT ${COLUMNS} FROM calls WHERE provider = $1 AND room_id = $2 FOR UPDATE`,
      [provider, roomId],
    );
    return rows[0] ? toVersionedCall(rows[0]) : null;
  }

  /** Writes the new state and bumps the version; resolves with the version the change got. */
  async saveState(db: SqlExecutor, id: string, state: CallState): Promise<number> {
    const { rows } = await db.query<{ version: number }>(
      `UPDATE calls SET status = $2, participants = $3::jsonb, started_at = $4, ended_at = $5,
         duration_seconds = $6, version = version + 1
       WHERE id = $1 RETURNING version`,
      [
        id,
        state.status,
        JSON.stringify(state.participants),
        state.startedAt,
        state.endedAt,
        state.durationSeconds,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error(`call ${id} vanished while it was locked`);
    return row.version;
  }
}
