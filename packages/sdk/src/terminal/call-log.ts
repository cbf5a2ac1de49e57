import { CallLogBody, CallLogMimeType, type MessagePart } from '@parley/protocol';

/**
 * The call a message records, when it is a call-log entry (messaging posts one per call into the direct
 * conversation of the two people, sent by the caller): its `application/vnd.parley.call+json` part, checked
 * against the protocol schema. Undefined for any other message or a part that does not fit.
 */
export function messageCallLog(message: {
  readonly parts: readonly Readonly<MessagePart>[];
}): CallLogBody | undefined {
  const part = message.parts.find((p) => isCallLogPart(p));
  if (!part?.body) return undefined;
  try {
    const parsed = CallLogBody.safeParse(JSON.parse(part.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function isCallLogPart(part: Readonly<MessagePart>): boolean {
  return part.mimeType.split(';')[0]!.trim().toLowerCase() === CallLogMimeType;
}
