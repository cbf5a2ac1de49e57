import { useState } from 'react';
import type { MessagePart } from '@parley/protocol';
import { isInlineImagePart, type Conversation } from '@parley/sdk';
import { useMessenger } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { formatBytes } from '../ui/format';
import { IconPaperclip } from '../ui/icons';
import { inlineImageBox } from './image-box';
import { Lightbox } from './Lightbox';
import { useAttachmentUrl } from './use-attachment-url';

/** A message part that references an uploaded file: an inline image, or a file card with a download link. */
export function AttachmentPart({ part, conversationId }: { part: MessagePart; conversationId: string }) {
  const conversation = useMessenger().conversation(conversationId);
  return isInlineImagePart(part) ? (
    <InlineImage part={part} conversation={conversation} />
  ) : (
    <FileCard part={part} conversation={conversation} />
  );
}

function InlineImage({ part, conversation }: { part: MessagePart; conversation: Conversation | undefined }) {
  const thumbnail = useAttachmentUrl(conversation, part, 'thumbnail');
  const [loaded, setLoaded] = useState(false);
  const [fullUrl, setFullUrl] = useState<string>();
  const box = inlineImageBox(part.width, part.height);
  const name = part.name ?? 'Image';

  const open = () => {
    // Asked when opened, not when rendered: the link is then fresh however long the message was on screen.
    conversation?.attachmentUrl(part, 'original').then(setFullUrl, () => undefined);
  };

  if (thumbnail.state === 'failed') return <FileCard part={part} conversation={conversation} />;
  return (
    <>
      <button
        type="button"
        className={`inline-image${loaded ? ' loaded' : ''}`}
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        onClick={open}
        aria-label={`Open image ${name}${part.width && part.height ? ` (${part.width}×${part.height})` : ''}`}
        data-testid={TestIds.messageImage}
        data-attachment-id={part.attachmentId}
        data-loaded={loaded ? 'true' : 'false'}
      >
        {thumbnail.state === 'ready' && (
          <img
            src={thumbnail.url}
            alt={name}
            width={box.width}
            height={box.height}
            decoding="async"
            onLoad={() => setLoaded(true)}
          />
        )}
      </button>
      {fullUrl && (
        <Lightbox
          src={fullUrl}
          alt={name}
          width={part.width}
          height={part.height}
          onClose={() => setFullUrl(undefined)}
        />
      )}
    </>
  );
}

function FileCard({ part, conversation }: { part: MessagePart; conversation: Conversation | undefined }) {
  const link = useAttachmentUrl(conversation, part, 'original');
  const [href, setHref] = useState<string>();
  const url = href ?? (link.state === 'ready' ? link.url : undefined);
  const name = part.name ?? 'file';
  // Hovering or focusing the link renews it when it is near expiry (the SDK keeps it otherwise).
  const refresh = () => {
    conversation?.attachmentUrl(part, 'original').then(setHref, () => undefined);
  };
  return (
    <div
      className="attachment file-card"
      data-testid={TestIds.messageAttachment}
      data-mime-type={part.mimeType}
      data-attachment-id={part.attachmentId}
    >
      <IconPaperclip className="attachment-icon" />
      <span className="attachment-text">
        <span className="attachment-name">{name}</span>
        <span className="attachment-meta">
          {part.mimeType}
          {part.size !== undefined ? ` · ${formatBytes(part.size)}` : ''}
          {link.state === 'failed' ? ' · not available' : ''}
        </span>
      </span>
      {url && (
        <a
          className="button button-sm"
          href={url}
          download={name}
          target="_blank"
          rel="noopener noreferrer"
          onMouseEnter={refresh}
          onFocus={refresh}
          data-testid={TestIds.attachmentDownload}
        >
          Download
        </a>
      )}
    </div>
  );
}
