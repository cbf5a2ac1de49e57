import { describe, expect, it } from 'vitest';
import type { Attachment } from '@parley/protocol';
import { toNamedBlob } from './attachment-input.js';
import { attachmentMessageParts, isAttachmentPart, isInlineImagePart } from './send-attachment.js';

const attachment: Attachment = {
  id: '0b9a4a7e-7c1e-4a55-9d55-2b1c1a1a1a1a',
  conversationId: '11111111-1111-4111-8111-111111111111',
  uploaderId: '22222222-2222-4222-8222-222222222222',
  name: 'cat.png',
  mimeType: 'image/png',
  size: 10,
  image: { width: 4, height: 3 },
  hasThumbnail: true,
  messageId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('attachment input', () => {
  it('takes a File or Blob as it is, naming a nameless Blob "file"', async () => {
    const file = new File(['x'], 'a.txt', { type: 'text/plain' });
    expect(toNamedBlob(file)).toEqual({ blob: file, name: 'a.txt' });
    expect(toNamedBlob(new Blob(['x'])).name).toBe('file');
  });

  it('turns plain data into a Blob of the given type', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const { blob, name } = toNamedBlob({ name: 'b.bin', type: 'application/pdf', data: bytes });
    expect(name).toBe('b.bin');
    expect(blob.type).toBe('application/pdf');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([2, 3]);
    expect(toNamedBlob({ name: 'c', data: 'text' }).blob.type).toBe('application/octet-stream');
  });
});

describe('attachment message parts', () => {
  it('the file first, then the caption when there is one', () => {
    expect(attachmentMessageParts(attachment, 'look')).toEqual([
      { mimeType: 'image/png', attachmentId: attachment.id },
      { mimeType: 'text/plain', body: 'look' },
    ]);
    expect(attachmentMessageParts(attachment, '   ')).toHaveLength(1);
  });

  it('tells attachment parts and inline images apart', () => {
    expect(isAttachmentPart({ attachmentId: attachment.id })).toBe(true);
    expect(isAttachmentPart({})).toBe(false);
    expect(isInlineImagePart({ mimeType: 'image/png', attachmentId: 'x', thumbnail: true })).toBe(true);
    expect(isInlineImagePart({ mimeType: 'image/png', attachmentId: 'x' })).toBe(false);
    expect(isInlineImagePart({ mimeType: 'application/pdf', attachmentId: 'x', thumbnail: true })).toBe(
      false,
    );
  });
});
