import { MessagingLimits, type MessagePartInput } from '@parley/protocol';

export type PartSizeViolation =
  { part: number; bytes: number; limit: number } | { total: number; limit: number };

/** Body size in bytes as stored: base64 bodies count their decoded size. */
export function partBodyBytes(part: MessagePartInput): number {
  if (part.body === undefined) return 0;
  if (part.encoding === 'base64') return Buffer.from(part.body, 'base64').byteLength;
  return Buffer.byteLength(part.body, 'utf8');
}

/** Finds the first part (or the whole message) over the size limits, or undefined when all fit. */
export function findPartSizeViolation(parts: MessagePartInput[]): PartSizeViolation | undefined {
  let total = 0;
  for (const [i, part] of parts.entries()) {
    const bytes = partBodyBytes(part);
    if (bytes > MessagingLimits.maxPartBodyBytes)
      return { part: i, bytes, limit: MessagingLimits.maxPartBodyBytes };
    total += bytes;
  }
  if (total > MessagingLimits.maxMessageBytes) return { total, limit: MessagingLimits.maxMessageBytes };
  return undefined;
}
