import type { Attachment, MessagePartInput } from '@parley/protocol';
import type { UploadOptions } from './attachment-client.js';

export interface SendAttachmentOptions extends UploadOptions {
  /** Text sent in the same message, after the file. */
  caption?: string;
  clientMessageId?: string;
}

/** The parts of a message that sends an uploaded attachment, with an optional caption after it. */
export function attachmentMessageParts(attachment: Attachment, caption?: string): MessagePartInput[] {
  const parts: MessagePartInput[] = [{ mimeType: attachment.mimeType, attachmentId: attachment.id }];
  if (caption !== undefined && caption.trim() !== '') parts.push({ mimeType: 'text/plain', body: caption });
  return parts;
}

/** Whether a message part is an uploaded file (as opposed to text or a link). */
export function isAttachmentPart(part: { attachmentId?: string }): part is { attachmentId: string } {
  return typeof part.attachmentId === 'string';
}

/** Whether a part is an image the server made a thumbnail for (so it can be shown inline). */
export function isInlineImagePart(part: {
  mimeType: string;
  attachmentId?: string;
  thumbnail?: boolean;
}): boolean {
  return isAttachmentPart(part) && part.mimeType.startsWith('image/') && part.thumbnail === true;
}
