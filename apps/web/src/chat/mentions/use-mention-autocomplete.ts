import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { activeMentionQuery, applyMention, mentionCandidates, type MentionCandidate } from './mention-query';

/**
 * `@username` completion for a textarea: what to list, and a key handler that moves through the list and
 * inserts the pick (Enter/Tab), or closes it (Esc). `onKeyDown` returns true when it used the key.
 */
export function useMentionAutocomplete(
  inputRef: RefObject<HTMLTextAreaElement | null>,
  text: string,
  setText: (text: string) => void,
  participants: readonly MentionCandidate[],
  myId: string,
) {
  const [caret, setCaret] = useState(0);
  const [highlighted, setHighlighted] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const active = activeMentionQuery(text, caret);
  const candidates = useMemo(
    () => (active && active.start !== dismissedAt ? mentionCandidates(participants, active.query, myId) : []),
    [active?.query, active?.start, dismissedAt, participants, myId],
  );
  const index = Math.min(highlighted, Math.max(0, candidates.length - 1));
  useEffect(() => setHighlighted(0), [active?.query, active?.start]);

  const pick = (candidate: MentionCandidate) => {
    if (!active) return;
    const next = applyMention(text, active, candidate.username);
    pendingCaret.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setHighlighted(0);
  };

  // Right after React wrote the new value (which puts the caret at the end), before the next key is handled:
  // a later frame would move the caret under a fast typist's feet.
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = inputRef.current;
    const at = pendingCaret.current;
    if (!el || at === null) return;
    pendingCaret.current = null;
    el.focus();
    el.setSelectionRange(at, at);
  }, [text, inputRef]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (candidates.length === 0 || !active) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setHighlighted((index + step + candidates.length) % candidates.length);
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      pick(candidates[index]!);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissedAt(active.start);
      return true;
    }
    return false;
  };

  /** Call on change, keyup and click: where the caret is decides the active query. */
  const trackCaret = () => {
    const el = inputRef.current;
    if (el) setCaret(el.selectionStart ?? el.value.length);
  };

  return { candidates, highlighted: index, pick, onKeyDown, trackCaret };
}
