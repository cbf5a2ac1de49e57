import { Fragment, useState, type ReactNode } from 'react';
import { DESK_MESSAGE_MIME_TYPE, type MessagePart } from '@parley/protocol';
import { isCallLogPart, voipLinkOf } from '@parley/sdk';
import { CallCard } from '../provider-calls/CallCard';
import { TestIds } from '../app/test-ids';
import { MarkdownText } from './markdown/MarkdownText';
import { CallLogEntry } from '../calls/call-log/CallLogEntry';
import { deskEventText } from '../desk/desk-event';
import { DeskIds } from '../desk/ids';
import { AttachmentPart } from '../attachments/AttachmentPart';
import { parseVoipLink } from '../conversations/conversation-info';
import { formatBytes } from '../ui/format';
import { IconPaperclip, IconPhone, IconVideo } from '../ui/icons';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** Text with its links made clickable (http/https only); everything else stays plain text. */
export function Linkified({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    if (start > last) out.push(text.slice(last, start));
    out.push(
      <a key={start} href={match[0]} target="_blank" rel="noopener noreferrer">
        {match[0]}
      </a>,
    );
    last = start + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}

function isSafeUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** Where an image or file part can be fetched: its url, or its inline base64 body as a data: URL. */
function partSource(part: MessagePart): string | undefined {
  if (isSafeUrl(part.url)) return part.url;
  if (part.body !== undefined && part.encoding === 'base64')
    return `data:${part.mimeType.split(';')[0]};base64,${part.body}`;
  return undefined;
}

function VoipCard({ part }: { part: MessagePart }) {
  const call = parseVoipLink(part);
  const media = call?.media === 'audio' ? 'audio' : 'video';
  const status = call?.status ?? 'created';
  const ended = status === 'ended' || status === 'missed';
  const joinUrl = isSafeUrl(call?.joinUrl) ? call.joinUrl : undefined;
  const statusText: Record<string, string> = {
    created: 'Call started',
    ringing: 'Ringing…',
    started: 'In progress',
    ended: 'Call ended',
    missed: 'Missed call',
  };
  return (
    <div
      className={`call-card${ended ? ' ended' : ''}`}
      data-testid={TestIds.voipCall}
      data-call-id={call?.callId}
      data-status={status}
    >
      <span className="call-icon" aria-hidden="true">
        {media === 'audio' ? <IconPhone /> : <IconVideo />}
      </span>
      <span className="call-text">
        <span className="call-title">{media === 'audio' ? 'Voice call' : 'Video call'}</span>
        <span className="call-subtitle">
          {statusText[status] ?? status}
          {call?.provider ? ` · ${call.provider}` : ''}
        </span>
      </span>
      {joinUrl && !ended ? (
        <a
          className="button button-sm button-primary"
          href={joinUrl}
          target="_blank"
          rel="noopener noreferrer"
          data-testid={TestIds.voipJoinButton}
        >
          Join
        </a>
      ) : (
        <button type="button" className="button button-sm" disabled data-testid={TestIds.voipJoinButton}>
          {ended ? 'Ended' : 'Join'}
        </button>
      )}
    </div>
  );
}

function ImagePart({ part }: { part: MessagePart }) {
  const [failed, setFailed] = useState(false);
  const src = partSource(part);
  if (!src || failed)
    return <Attachment part={part} note={failed ? 'image could not be loaded' : undefined} />;
  return (
    <a
      className="image-part"
      href={src.startsWith('data:') ? undefined : src}
      target="_blank"
      rel="noopener noreferrer"
    >
      <img
        src={src}
        alt={part.name ?? 'Image'}
        loading="lazy"
        decoding="async"
        onError={() => setFailed(true)}
        data-testid={TestIds.messageImage}
      />
    </a>
  );
}

function Attachment({ part, note }: { part: MessagePart; note?: string | undefined }) {
  const src = partSource(part);
  const label = part.name ?? (part.mimeType.split(';')[0] || 'Attachment');
  const size =
    part.size ??
    (part.body !== undefined && part.encoding !== 'base64'
      ? new TextEncoder().encode(part.body).byteLength
      : undefined);
  const content = (
    <>
      <IconPaperclip className="attachment-icon" />
      <span className="attachment-text">
        <span className="attachment-name">{label}</span>
        <span className="attachment-meta">
          {part.mimeType}
          {size !== undefined ? ` · ${formatBytes(size)}` : ''}
          {note ? ` · ${note}` : ''}
        </span>
      </span>
    </>
  );
  return src ? (
    <a
      className="attachment"
      href={src}
      target="_blank"
      rel="noopener noreferrer"
      download={part.name}
      data-testid={TestIds.messageAttachment}
      data-mime-type={part.mimeType}
    >
      {content}
    </a>
  ) : (
    <div className="attachment" data-testid={TestIds.messageAttachment} data-mime-type={part.mimeType}>
      {content}
    </div>
  );
}

/** All parts of a message in order: text, call cards, images, then anything else as a labelled attachment. */
export function MessageParts({
  parts,
  conversationId,
  senderId,
  messageId,
}: {
  parts: readonly MessagePart[];
  /** Uploaded files (parts with an attachmentId) are fetched through this conversation's signed URLs. */
  conversationId?: string;
  /** Who sent the message: a call log is sent by the caller, so it reads as the caller's or the callee's. */
  senderId?: string;
  /** A stored message's id: a call the gateway made renders as a live call card bound to it. */
  messageId?: string;
}) {
  return (
    <>
      {parts.map((part, i) => {
        const type = part.mimeType.toLowerCase();
        let node: ReactNode;
        if (part.attachmentId && conversationId) {
          node = <AttachmentPart part={part} conversationId={conversationId} />;
        } else if (type.startsWith('text/plain') && part.body !== undefined && part.encoding !== 'base64') {
          node = (
            <div className="message-text" dir="auto" data-testid={TestIds.messageText}>
              <MarkdownText text={part.body} />
            </div>
          );
        } else if (type === DESK_MESSAGE_MIME_TYPE) {
          node = (
            <p className="muted small desk-event" data-testid={DeskIds.event}>
              {deskEventText(part.body)}
            </p>
          );
        } else if (isCallLogPart(part)) {
          node = <CallLogEntry part={part} senderId={senderId} />;
        } else if (type.startsWith('application/voip-link')) {
          node =
            messageId && conversationId && voipLinkOf({ parts: [part] })?.gatewayCallId ? (
              <CallCard conversationId={conversationId} messageId={messageId} />
            ) : (
              <VoipCard part={part} />
            );
        } else if (type.startsWith('image/')) {
          node = <ImagePart part={part} />;
        } else {
          node = <Attachment part={part} />;
        }
        return <Fragment key={i}>{node}</Fragment>;
      })}
    </>
  );
}
