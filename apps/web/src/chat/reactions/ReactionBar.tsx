import { useEffect, useRef, useState } from 'react';
import { reactionSummaries, type MessageSnapshot } from '@parley/sdk';
import { TestIds } from '../../app/test-ids';
import { senderName } from '../../conversations/conversation-info';
import { useMessageFeatures } from '../message-features';

/** Offered in the picker; any single emoji works through the SDK and the API. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

/** The reactions under a message: each emoji with its count, pressed when I reacted; a click toggles mine. */
export function ReactionBar({ message }: { message: MessageSnapshot }) {
  const features = useMessageFeatures();
  if (!features || message.removedAt) return null;
  const reactions = reactionSummaries(message, features.myId);
  if (reactions.length === 0) return null;
  return (
    <div className="reaction-bar" role="group" aria-label="Reactions">
      {reactions.map((r) => {
        const who = r.userIds.map((id) => (id === features.myId ? 'You' : senderName(features.snapshot, id)));
        return (
          <button
            key={r.emoji}
            type="button"
            className={`reaction-chip${r.mine ? ' mine' : ''}`}
            aria-pressed={r.mine}
            aria-label={`${r.emoji} ${r.count}: ${who.join(', ')}`}
            title={who.join(', ')}
            onClick={() =>
              void features.conversation.toggleReaction(message.id, r.emoji).catch(() => undefined)
            }
            data-testid={TestIds.reactionChip}
            data-emoji={r.emoji}
            data-count={r.count}
            data-mine={r.mine}
          >
            <span className="reaction-emoji">{r.emoji}</span>
            <span className="reaction-count">{r.count}</span>
          </button>
        );
      })}
    </div>
  );
}

/** The "add reaction" button in a message's actions, with a small picker of quick reactions. */
export function ReactionPicker({ message }: { message: MessageSnapshot }) {
  const features = useMessageFeatures();
  const [open, setOpen] = useState(false);
  const wrapRef = useRef<HTMLSpanElement>(null);
  // A click or focus anywhere else closes the picker.
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (!wrapRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('focusin', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('focusin', close);
    };
  }, [open]);
  if (!features) return null;
  const pick = (emoji: string) => {
    setOpen(false);
    const mine = message.reactions?.some((r) => r.emoji === emoji && r.userIds.includes(features.myId));
    const action = mine
      ? features.conversation.unreact(message.id, emoji)
      : features.conversation.react(message.id, emoji);
    void action.catch(() => undefined);
  };
  return (
    <span className="reaction-picker-wrap" ref={wrapRef}>
      <button
        type="button"
        className="icon-button icon-button-sm"
        onClick={() => setOpen((o) => !o)}
        aria-label="Add reaction"
        aria-expanded={open}
        title="React"
        data-testid={TestIds.reactButton}
      >
        <svg
          width="15"
          height="15"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          aria-hidden="true"
        >
          <circle cx="12" cy="12" r="9" />
          <path d="M8.5 14.5a4 4 0 0 0 7 0M9 9.5h.01M15 9.5h.01" strokeLinecap="round" />
        </svg>
      </button>
      {open && (
        <span
          className="reaction-picker"
          role="menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              className="reaction-option"
              onClick={() => pick(emoji)}
              aria-label={`React with ${emoji}`}
              data-testid={TestIds.reactionOption}
              data-emoji={emoji}
            >
              {emoji}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
