import { ValidationError } from '@parley/service-kit';
import type { VoiceCallRecord } from '@parley/protocol';
import { z } from 'zod';
import { durationSeconds, type ProxiedCall } from './call-record.js';

/** The call detail record operators and admins read. */
export function toCallRecord(call: ProxiedCall): VoiceCallRecord {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    callId: call.callId,
    cid: call.cid,
    customerId: call.customerId,
    operatorId: call.answeredAt === null ? null : call.operatorId,
    state: call.state === 'idle' ? 'ringing' : call.state,
    endReason: call.endReason,
    startedAt: new Date(call.startedAt).toISOString(),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    durationSeconds: call.state === 'ended' ? durationSeconds(call) : null,
    attempts: call.attempts.map((a) => ({
      operatorId: a.operatorId,
      rungAt: new Date(a.rungAt).toISOString(),
      outcome: a.outcome,
    })),
  };
}

const CursorPosition = z.object({ startedAt: z.iso.datetime({ offset: true }), id: z.uuid() });
export type CursorPosition = z.infer<typeof CursorPosition>;

/** Keyset cursor: the position of the last call of a page (start time and id), opaque to clients. */
export function encodeCursor(call: ProxiedCall): string {
  return Buffer.from(
    JSON.stringify({ startedAt: new Date(call.startedAt).toISOString(), id: call.id }),
  ).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = CursorPosition.safeParse(json);
  if (!parsed.success)
    throw new ValidationError('cursor: not a cursor this service gave out', [
      { path: 'cursor', message: 'not a cursor this service gave out' },
    ]);
  return parsed.data;
}
