import { messageCallLog, messageText, type ConversationSnapshot, type MessageSnapshot } from '@parley/sdk';
import { callLogText } from '../calls/call-log/call-log-text';
import type { MessagePart, VoipLinkBody } from '@parley/protocol';
import { isolate, joinNames } from '../ui/format';

/** What these helpers read of a conversation: a `Conversation` or its snapshot both fit. */
type ConversationInfo = Pick<ConversationSnapshot, 'type' | 'title' | 'participants'>;

/** Title as the user sees it: direct chats are named after the other person. */
export function conversationTitle(conversation: ConversationInfo, myId: string): string {
  if (conversation.type === 'direct') {
    const other = conversation.participants.find((p) => p.userId !== myId);
    return other?.displayName || other?.username || conversation.title || 'Direct message';
  }
  if (conversation.title) return conversation.title;
  if (conversation.type === 'channel') return 'Untitled channel';
  const others = conversation.participants
    .filter((p) => p.userId !== myId)
    .map((p) => firstName(p.displayName || p.username));
  if (others.length === 0) return 'Just you';
  if (others.length <= 3) return joinNames(others);
  return `${others.slice(0, 2).map(isolate).join(', ')} and ${others.length - 2} others`;
}

export function conversationSubtitle(conversation: ConversationInfo, myId: string): string {
  const count = conversation.participants.length;
  if (conversation.type === 'direct') {
    const other = conversation.participants.find((p) => p.userId !== myId);
    return other ? `@${other.username}` : 'Direct message';
  }
  const members = `${count} ${count === 1 ? 'member' : 'members'}`;
  return conversation.type === 'channel' ? `Channel · ${members}` : members;
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** Display name of a participant, or a neutral label once they have left. */
export function participantName(conversation: ConversationInfo, userId: string, myId?: string): string {
  if (myId && userId === myId) return 'You';
  const p = conversation.participants.find((x) => x.userId === userId);
  return p ? p.displayName || p.username : 'Former member';
}

export function senderName(conversation: ConversationInfo, userId: string): string {
  const p = conversation.participants.find((x) => x.userId === userId);
  return p ? p.displayName || p.username : 'Former member';
}

export function parseVoipLink(part: Readonly<MessagePart>): Partial<VoipLinkBody> | undefined {
  if (!part.body) return undefined;
  try {
    const body = JSON.parse(part.body) as Partial<VoipLinkBody>;
    return typeof body === 'object' && body ? body : undefined;
  } catch {
    return undefined;
  }
}

/** One line describing a message for the conversation list. */
export function messagePreview(message: Pick<MessageSnapshot, 'removedAt' | 'parts'>): string {
  if (message.removedAt) return 'Message removed';
  const text = withoutMarkdown(messageText(message)).replace(/\s+/g, ' ').trim();
  if (text) return isolate(text);
  const part = message.parts[0];
  if (!part) return 'Empty message';
  const type = part.mimeType.toLowerCase();
  const call = messageCallLog(message);
  if (call) return callLogText(call, false);
  if (type.startsWith('application/voip-link')) {
    const body = parseVoipLink(part);
    return body?.media === 'audio' ? 'Voice call' : 'Video call';
  }
  if (type.startsWith('image/')) return part.name ? `Photo · ${isolate(part.name)}` : 'Photo';
  return part.name ? `Attachment · ${isolate(part.name)}` : `Attachment (${part.mimeType})`;
}

/** Last activity, for sorting and the list's time stamp. */
export function lastActivity(conversation: {
  lastMessage: { createdAt: string } | null;
  updatedAt: string;
}): string {
  return conversation.lastMessage?.createdAt ?? conversation.updatedAt;
}

/** Highest lastReadSeq among the other participants (0 when nobody else has read anything). */
export function othersReadSeq(conversation: ConversationInfo, myId: string): number {
  let max = 0;
  for (const p of conversation.participants)
    if (p.userId !== myId && p.lastReadSeq > max) max = p.lastReadSeq;
  return max;
}

/** Names of the others who have read up to at least `seq`. */
export function readersOf(conversation: ConversationInfo, myId: string, seq: number): string[] {
  return conversation.participants
    .filter((p) => p.userId !== myId && p.lastReadSeq >= seq)
    .map((p) => isolate(firstName(p.displayName || p.username)));
}

/** A one-line preview shows what the reader sees, not the Markdown markers (bold, italic, code). */
export function withoutMarkdown(text: string): string {
  return text
    .replace(/```[a-z0-9-]*\n?([\s\S]*?)```/gi, '$1')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}
