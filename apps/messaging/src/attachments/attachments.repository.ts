import { Inject, Injectable } from '@nestjs/common';
import type { Database, SqlExecutor } from '@parley/db';
import type { Attachment } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

export interface AttachmentRow {
  id: string;
  conversation_id: string;
  uploader_id: string;
  message_id: string | null;
  name: string;
  mime_type: string;
  size: number;
  width: number | null;
  height: number | null;
  has_thumbnail: boolean;
  created_at: Date;
  removed_at: Date | null;
}

const COLUMNS =
  'id, conversation_id, uploader_id, message_id, name, mime_type, size, width, height, has_thumbnail, created_at, removed_at';

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    uploaderId: row.uploader_id,
    name: row.name,
    mimeType: row.mime_type,
    size: row.size,
    image: row.width && row.height ? { width: row.width, height: row.height } : null,
    hasThumbnail: row.has_thumbnail,
    messageId: row.message_id,
    createdAt: row.created_at.toISOString(),
  };
}

@Injectable()
export class AttachmentsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(a: {
    id: string;
    conversationId: string;
    uploaderId: string;
    name: string;
    mimeType: string;
    size: number;
    width: number | null;
    height: number | null;
    hasThumbnail: boolean;
  }): Promise<AttachmentRow> {
    const { rows } = await this.db.query<AttachmentRow>(
      `INSERT INTO attachments (id, conversation_id, uploader_id, name, mime_type, size, width, height, has_thumbnail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [a.id, a.conversationId, a.uploaderId, a.name, a.mimeType, a.size, a.width, a.height, a.hasThumbnail],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<AttachmentRow | undefined> {
    const { rows } = await this.db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** Locks the rows for the sending transaction, so one attachment cannot be claimed by two messages. */
  async lockByIds(tx: SqlExecutor, ids: string[]): Promise<AttachmentRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await tx.query<AttachmentRow>(
      `SELECT ${COLUMNS} FROM attachments WHERE id = ANY($1::uuid[]) FOR UPDATE`,
      [ids],
    );
    return rows;
  }

  async bindToMessage(tx: SqlExecutor, ids: string[], messageId: string): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(`UPDATE attachments SET message_id = $2 WHERE id = ANY($1::uuid[])`, [ids, messageId]);
  }

  /** Marks the message's attachments other than `keep` removed; returns how many were. */
  async removeForMessage(tx: SqlExecutor, messageId: string, keep: string[] = []): Promise<number> {
    const { rows } = await tx.query(
      `UPDATE attachments SET removed_at = now()
       WHERE message_id = $1 AND removed_at IS NULL AND NOT (id = ANY($2::uuid[])) RETURNING id`,
      [messageId, keep],
    );
    return rows.length;
  }

  /** Uploads never sent within `hours` are removed: nobody but their uploader ever saw them. */
  async removeUnsentOlderThan(hours: number): Promise<number> {
    const { rows } = await this.db.query(
      `UPDATE attachments SET removed_at = now()
       WHERE message_id IS NULL AND removed_at IS NULL AND created_at < now() - make_interval(hours => $1)
       RETURNING id`,
      [hours],
    );
    return rows.length;
  }

  async listToPurge(limit: number): Promise<Pick<AttachmentRow, 'id' | 'has_thumbnail'>[]> {
    const { rows } = await this.db.query<Pick<AttachmentRow, 'id' | 'has_thumbnail'>>(
      `SELECT id, has_thumbnail FROM attachments WHERE removed_at IS NOT NULL AND purged_at IS NULL
       ORDER BY removed_at LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async markPurged(id: string): Promise<void> {
    await this.db.query(`UPDATE attachments SET purged_at = now() WHERE id = $1`, [id]);
  }
}
