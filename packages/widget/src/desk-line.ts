import { DESK_MESSAGE_MIME_TYPE, DeskMessageBody } from '@parley/protocol';
import type { MessageSnapshot } from '@parley/sdk';

/** The grey line the visitor sees for a support desk message, or undefined for any other message. */
export function deskLine(message: Pick<MessageSnapshot, 'parts'>): string | undefined {
  const part = message.parts.find((p) => p.mimeType === DESK_MESSAGE_MIME_TYPE);
  if (!part) return undefined;
  let body: DeskMessageBody;
  try {
    const parsed = DeskMessageBody.safeParse(JSON.parse(part.body ?? ''));
    if (!parsed.success) return 'The support desk updated this conversation';
    body = parsed.data;
  } catch {
    return 'The support desk updated this conversation';
  }
  const name = body.operatorName ?? 'An operator';
  switch (body.event) {
    case 'assigned':
      return `${name} joined`;
    case 'transferred':
      return body.operatorName ? `Transferred to ${body.operatorName}` : 'Transferred to another operator';
    case 'unassigned':
      return 'Waiting for an operator';
    case 'closed':
      return `${name} closed this chat. Write again any time.`;
  }
}
