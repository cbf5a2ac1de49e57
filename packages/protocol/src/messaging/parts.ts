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

/** Where a provider call is, as its voip-link message shows it. */
export const VoipLinkStatus = z.enum(['created', 'ringing', 'started', 'ended', 'missed']);
export type VoipLinkStatus = z.infer<typeof VoipLinkStatus>;

/**
 * Body of an `application/voip-link` part: a join link or a provider call id, plus the call's status. The
 * gateway keeps it current (participants, start, end, duration) by editing the message, so every device
 * re-renders the call button from the conversation's own log.
 */
export const VoipLinkBody = z.strictObject({
  provider: z.string().min(1).max(64),
  /** The provider's room or meeting id: what its own join method takes when there is no link. */
  callId: z.string().min(1).max(256),
  joinUrl: z.url().optional(),
  status: VoipLinkStatus.default('created'),
  media: z.enum(['audio', 'video']).default('video'),
  /** Identities in the call now (the provider's names for them). */
  participants: z.array(z.string()).optional(),
  /** The gateway's record of the call (`GET /v1/calls/:id` on the gateway). */
  gatewayCallId: z.uuid().optional(),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  endedAt: z.iso.datetime({ offset: true }).optional(),
  durationSeconds: z.number().int().nonnegative().optional(),
});
export type VoipLinkBody = z.infer<typeof VoipLinkBody>;

export const KnownMimeTypes = {
  text: 'text/plain',
  json: 'application/json',
  voipLink: 'application/voip-link',
} as const;
