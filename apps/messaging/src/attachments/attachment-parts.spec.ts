import { describe, expect, it } from 'vitest';
import { resolveAttachmentParts } from './attachment-parts.js';
import type { AttachmentRow } from './attachments.repository.js';

const ctx = {
  conversationId: '11111111-1111-4111-8111-111111111111',
  senderId: '22222222-2222-4222-8222-222222222222',
  messageId: '33333333-3333-4333-8333-333333333333',
};
const row: AttachmentRow = {
  id: '44444444-4444-4444-8444-444444444444',
  conversation_id: ctx.conversationId,
  uploader_id: ctx.senderId,
  message_id: null,
  name: 'cat.png',
  mime_type: 'image/png',
  size: 1234,
  width: 40,
  height: 30,
  has_thumbnail: true,
  created_at: new Date(0),
  removed_at: null,
};
const part = { mimeType: 'image/png', attachmentId: row.id };

describe('attachment parts of a message', () => {
  it('fills in what the server knows and keeps other parts as they are', () => {
    const result = resolveAttachmentParts([{ mimeType: 'text/plain', body: 'look' }, part], [row], ctx);
    expect(result).toEqual({
      ok: true,
      attachmentIds: [row.id],
      parts: [
        { mimeType: 'text/plain', body: 'look' },
        {
          mimeType: 'image/png',
          attachmentId: row.id,
          name: 'cat.png',
          size: 1234,
          width: 40,
          height: 30,
          thumbnail: true,
        },
      ],
    });
  });

  it('an attachment of another conversation, another uploader, removed or unknown is not found', () => {
    for (const rows of [
      [{ ...row, conversation_id: ctx.messageId }],
      [{ ...row, uploader_id: ctx.messageId }],
      [{ ...row, removed_at: new Date() }],
      [],
    ]) {
      expect(resolveAttachmentParts([part], rows, ctx)).toMatchObject({
        ok: false,
        kind: 'not_found',
        path: 'body.parts.0.attachmentId',
      });
    }
  });

  it('an attachment already in another message is a conflict; in this message (an edit) it is fine', () => {
    expect(resolveAttachmentParts([part], [{ ...row, message_id: ctx.conversationId }], ctx)).toMatchObject({
      ok: false,
      kind: 'conflict',
    });
    expect(resolveAttachmentParts([part], [{ ...row, message_id: ctx.messageId }], ctx)).toMatchObject({
      ok: true,
    });
  });

  it('the part must state the sniffed type, and one attachment appears once', () => {
    expect(resolveAttachmentParts([{ ...part, mimeType: 'image/gif' }], [row], ctx)).toMatchObject({
      ok: false,
      kind: 'invalid',
      path: 'body.parts.0.mimeType',
    });
    expect(resolveAttachmentParts([{ ...part, mimeType: 'IMAGE/PNG' }], [row], ctx)).toMatchObject({
      ok: true,
    });
    expect(resolveAttachmentParts([part, part], [row], ctx)).toMatchObject({
      ok: false,
      path: 'body.parts.1.attachmentId',
    });
  });
});
