import { useEffect, useSyncExternalStore } from 'react';
import type { Conversation } from '@parley/sdk';

/** A search hit the user clicked: open its conversation there. */
export interface JumpTarget {
  conversationId: string;
  messageId: string;
  seq: number;
}

let pending: JumpTarget | null = null;
const listeners = new Set<() => void>();

/** Asks the conversation view (open now, or about to open) to show this message. */
export function requestJump(target: JumpTarget): void {
  pending = target;
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Older pages loaded at most to reach a hit: a hit further back than this opens at the newest message. */
const MAX_PAGES = 20;

/**
 * In the conversation view: when a jump to one of its messages is pending, load older pages until the
 * message is there, then let the list scroll to it (`scrollToMessage` answers false while the list has not
 * rendered it yet, so it is tried again on the next frames).
 */
export function useSearchJump(conversation: Conversation, scrollToMessage: (messageId: string) => boolean) {
  const target = useSyncExternalStore(subscribe, () => pending);
  useEffect(() => {
    if (!target || target.conversationId !== conversation.id) return;
    let cancelled = false;
    void (async () => {
      for (let page = 0; page < MAX_PAGES && !conversation.message(target.messageId); page++) {
        const oldest = conversation.messages()[0];
        if (!conversation.hasOlder || (oldest && oldest.seq <= target.seq)) break;
        if ((await conversation.loadOlder(50)) === 0 || cancelled) break;
      }
      let frames = 0;
      const attempt = () => {
        if (cancelled) return;
        if (scrollToMessage(target.messageId) || ++frames > 30) {
          if (pending === target) pending = null;
          return;
        }
        requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
    })();
    return () => {
      cancelled = true;
    };
  }, [conversation, target, scrollToMessage]);
}
