import { TestIds } from '../../app/test-ids';
import type { MentionCandidate } from './mention-query';

/** The list under the composer while an `@query` is typed; the composer's keys move the highlight. */
export function MentionSuggestions({
  candidates,
  highlighted,
  onPick,
}: {
  candidates: readonly MentionCandidate[];
  highlighted: number;
  onPick: (candidate: MentionCandidate) => void;
}) {
  if (candidates.length === 0) return null;
  return (
    <ul
      className="mention-suggestions"
      role="listbox"
      aria-label="Mention someone"
      data-testid={TestIds.mentionSuggestions}
    >
      {candidates.map((c, i) => (
        <li
          key={c.userId}
          role="option"
          aria-selected={i === highlighted}
          className={`mention-option${i === highlighted ? ' active' : ''}`}
          // mousedown, not click: the textarea keeps its focus and caret
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(c);
          }}
          data-testid={TestIds.mentionOption}
          data-username={c.username}
        >
          <span className="mention-option-name" dir="auto">
            {c.displayName}
          </span>
          <span className="muted small">@{c.username}</span>
        </li>
      ))}
    </ul>
  );
}
