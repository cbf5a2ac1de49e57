import type { MessagePart, MessagePartInput } from '@parley/protocol';
import type { AttachmentRow } from './attachments.repository.js';
import { normaliseMimeType } from './content-type.js';

export interface AttachmentPartContext {
  conversationId: string;
  senderId: string;
  messageId: string;
}

export type AttachmentPartsResult =
  | { ok: true; parts: MessagePart[]; attachmentIds: string[] }
  | {
      ok: false;
      kind: 'invalid' | 'not_found' | 'conflict';
      path: string;
      message: string;
    };

/** The attachment ids a message's parts reference, in order. */
export function referencedAttachmentIds(parts: readonly MessagePartInput[]): string[] {
  return parts.flatMap((p) => (p.attachmentId ? [p.attachmentId] : []));
}

/**
 * Checks the attachment parts of a message against the stored attachments and fills in what the server
 * knows (name, size, image dimensions). An attachment can be sent only by its uploader, in the conversation
 * it was uploaded to, in one message; a part must state the type its bytes were sniffed as.
 */
export function resolveAttachmentParts(
  parts: readonly MessagePartInput[],
  rows: readonly AttachmentRow[],
  ctx: AttachmentPartContext,
): AttachmentPartsResult {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const out: MessagePart[] = [];
  for (const [i, part] of parts.entries()) {
    if (!part.attachmentId) {
      out.push(part);
      continue;
    }
    const path = `body.parts.${i}.attachmentId`;
    if (seen.has(part.attachmentId))
      return { ok: false, kind: 'invalid', path, message: 'the attachment is already in an earlier part' };
    seen.add(part.attachmentId);
    const row = byId.get(part.attachmentId);
    // Someone else's upload, or one of another conversation, is as unknown as a made-up id.
    if (
      !row ||
      row.removed_at ||
      row.conversation_id !== ctx.conversationId ||
      row.uploader_id !== ctx.senderId
    )
      return { ok: false, kind: 'not_found', path, message: 'attachment not found' };
    if (row.message_id && row.message_id !== ctx.messageId)
      return {
        ok: false,
        kind: 'conflict',
        path,
        message: 'the attachment was already sent in another message',
      };
    if (normaliseMimeType(part.mimeType) !== row.mime_type)
      return {
        ok: false,
        kind: 'invalid',
        path: `body.parts.${i}.mimeType`,
        message: `the attachment is ${row.mime_type}`,
      };
    out.push({
      mimeType: row.mime_type,
      attachmentId: row.id,
      name: row.name,
      size: row.size,
      ...(row.width && row.height ? { width: row.width, height: row.height } : {}),
      ...(row.has_thumbnail ? { thumbnail: true } : {}),
    });
  }
  return { ok: true, parts: out, attachmentIds: [...seen] };
}
