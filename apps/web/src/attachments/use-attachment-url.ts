import { useEffect, useState } from 'react';
import type { MessagePart } from '@parley/protocol';
import type { Conversation } from '@parley/sdk';

export type AttachmentUrlState =
  { state: 'loading' } | { state: 'ready'; url: string } | { state: 'failed'; message: string };

/**
 * A signed URL for an attachment part. The SDK caches URLs until shortly before they expire, so asking
 * again (`refresh`, e.g. before opening the full image) is cheap and never hands out a stale link.
 */
export function useAttachmentUrl(
  conversation: Conversation | undefined,
  part: MessagePart,
  variant: 'original' | 'thumbnail',
): AttachmentUrlState {
  const [state, setState] = useState<AttachmentUrlState>({ state: 'loading' });
  useEffect(() => {
    if (!conversation) return;
    let current = true;
    conversation.attachmentUrl(part, variant).then(
      (url) => current && setState({ state: 'ready', url }),
      (err: unknown) =>
        current &&
        setState({ state: 'failed', message: err instanceof Error ? err.message : 'not available' }),
    );
    return () => {
      current = false;
    };
  }, [conversation, part, variant]);
  return state;
}
