import { z } from 'zod';

/** A MIME type such as `text/plain` or `application/voip-link`, parameters allowed. */
export const MimeType = z
  .string()
  .max(255)
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i,
    'must be a MIME type like text/plain',
  );

function isTextMime(mimeType: string): boolean {
  return /^text\//i.test(mimeType);
}

/**
 * One ordered part of a message. Inline parts carry `body` (text, JSON as text, or base64 for binary with
 * `encoding: 'base64'`); file parts carry a `url` instead, or the `attachmentId` of a file uploaded to the
 * conversation (the server then fills in its name, size and image dimensions).
 */
export const MessagePartInput = z
  .strictObject({
    mimeType: MimeType,
    body: z.string().optional(),
    encoding: z.enum(['utf-8', 'base64']).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    name: z.string().max(255).optional(),
    size: z.number().int().nonnegative().optional(),
    attachmentId: z.uuid().optional(),
  })
  .refine((p) => [p.body, p.url, p.attachmentId].filter((v) => v !== undefined).length === 1, {
    message: 'a part has exactly one of body, url or attachmentId',
    path: ['body'],
  })
  // An empty or blank text part would render as an empty bubble: there is nothing to send.
  .refine((p) => !isTextMime(p.mimeType) || p.body === undefined || p.body.trim() !== '', {
    message: 'a text part must not be empty or only whitespace',
    path: ['body'],
  });
export type MessagePartInput = z.infer<typeof MessagePartInput>;

export const MessagePart = z.object({
  mimeType: z.string(),
  body: z.string().optional(),
  encoding: z.enum(['utf-8', 'base64']).optional(),
  url: z.string().optional(),
  name: z.string().optional(),
  size: z.number().optional(),
  attachmentId: z.string().optional(),
  /** Pixel size of an image attachment. */
  width: z.number().optional(),
  height: z.number().optional(),
  /** An image attachment has a smaller preview. */
  thumbnail: z.boolean().optional(),
});
export type MessagePart = z.infer<typeof MessagePart>;

/** Body of an `application/voip-link` part: a join link or a provider call id, plus the call's status. */
export const VoipLinkBody = z.strictObject({
  provider: z.string().min(1).max(64),
  callId: z.string().min(1).max(256),
  joinUrl: z.url().optional(),
  status: z.enum(['created', 'ringing', 'started', 'ended', 'missed']).default('created'),
  media: z.enum(['audio', 'video']).default('video'),
  participants: z.array(z.string()).optional(),
});
export type VoipLinkBody = z.infer<typeof VoipLinkBody>;

export const KnownMimeTypes = {
  text: 'text/plain',
  json: 'application/json',
  voipLink: 'application/voip-link',
} as const;
