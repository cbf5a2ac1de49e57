import { openDatabase } from '@parley/db';

const quote = (ident) => `"${ident.replaceAll('"', '""')}"`;

/**
 * Appends `count` message.sent events after seq 1 of a conversation straight into the service's schema,
 * with the same columns and payload shape the service writes (a Message of one short text part).
 * Building a 100,000-event history through the API would take minutes; the figure is about reading it.
 */
export async function seedMessageEvents({ databaseUrl, schema, conversationId, senderId, count }) {
  const db = await openDatabase({ url: databaseUrl, schema, poolSize: 1 });
  const s = quote(schema);
  try {
    const lastSeq = count + 1;
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${s}.events (conversation_id, seq, id, type, actor_id, payload, created_at)
         SELECT $1::uuid, n, gen_random_uuid(), 'message.sent', $2::uuid,
                jsonb_build_object('message', jsonb_build_object(
                  'id', gen_random_uuid(),
                  'conversationId', $1::uuid,
                  'seq', n,
                  'senderId', $2::uuid,
                  'clientMessageId', 'seed-' || n,
                  'parts', jsonb_build_array(jsonb_build_object('mimeType', 'text/plain', 'body', 'Message ' || n || ': running ten minutes late, start without me')),
                  'createdAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'editedAt', NULL,
                  'removedAt', NULL)),
                now()
         FROM generate_series(2, $3::bigint) AS n`,
        [conversationId, senderId, lastSeq],
      );
      await tx.query(`UPDATE ${s}.conversations SET last_seq = $2 WHERE id = $1`, [conversationId, lastSeq]);
    });
    // A long-lived table has planner statistics and a visibility map (autovacuum keeps them); give the
    // fresh one the same now, rather than have autovacuum do it in the middle of a later figure.
    await db.query(`VACUUM (ANALYZE) ${s}.events`);
    // The same for writing the seeded pages back: a checkpoint flushing a million rows' pages and WAL
    // stalled the commits of the next figure (its p99 went from 9 to 25 ms). Setup pays for it instead.
    await db.query('CHECKPOINT');
    return lastSeq;
  } finally {
    await db.close();
  }
}
