import { z } from 'zod';

/**
 * Attachments: a file uploaded to a conversation (`POST /v1/conversations/:conversationId/attachments`,
 * multipart with one file field named `file`), then referenced by a message part `{mimeType, attachmentId}`.
 * Its bytes are fetched through short-lived signed URLs that only participants can get.
 */
export const AttachmentUploadField = 'file';

/** Pixel size of an image attachment, so clients reserve its space before the image loads. */
export const ImageDimensions = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type ImageDimensions = z.infer<typeof ImageDimensions>;

export const Attachment = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  uploaderId: z.uuid(),
  /** The file name the uploader gave, cleaned of paths and control characters. */
  name: z.string(),
  /** Sniffed from the bytes, never taken from the client's word. */
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  image: ImageDimensions.nullable(),
  hasThumbnail: z.boolean(),
  /** The message that references it; null until a message is sent with it. */
  messageId: z.uuid().nullable(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const AttachmentParams = z.object({ conversationId: z.uuid(), attachmentId: z.uuid() });
export const AttachmentContentParams = z.object({ attachmentId: z.uuid() });

export const AttachmentVariant = z.enum(['original', 'thumbnail']);
export type AttachmentVariant = z.infer<typeof AttachmentVariant>;

/** The query of a signed download URL. A wrong or expired signature is a 403, not a 400. */
export const AttachmentContentQuery = z.strictObject({
  variant: AttachmentVariant.default('original'),
  expires: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sig: z.string().max(256),
});
export type AttachmentContentQuery = z.infer<typeof AttachmentContentQuery>;

/** Signed URLs (paths on the messaging service) valid until `expiresAt`; ask again for fresh ones. */
export const AttachmentUrlResponse = z.object({
  attachment: Attachment,
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  expiresAt: z.string(),
});
export type AttachmentUrlResponse = z.infer<typeof AttachmentUrlResponse>;
