import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { Messenger, User } from '@parley/sdk';
import { describeError } from '../app/errors';
import { TestIds } from '../app/test-ids';
import { Avatar } from '../ui/Avatar';
import { IconCheck, IconSearch } from '../ui/icons';

/** What the pickers show of a user. */
export type Person = Pick<User, 'id' | 'username' | 'displayName'>;

/** People the user already shares a conversation with: suggestions before anything is typed. */
export function knownPeople(messenger: Messenger): Person[] {
  const seen = new Map<string, Person>();
  for (const c of messenger.conversations()) {
    for (const p of c.participants) {
      if (p.userId !== messenger.user.id && !seen.has(p.userId)) {
        seen.set(p.userId, { id: p.userId, username: p.username, displayName: p.displayName });
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

function useUserSearch(messenger: Messenger, query: string) {
  const [state, setState] = useState<{ query: string; results: Person[]; error?: string }>({
    query: '',
    results: [],
  });
  const q = query.trim();
  useEffect(() => {
    if (!q) return;
    let stale = false;
    const timer = setTimeout(() => {
      messenger
        .findUsers(q)
        .then((users) => {
          if (!stale) setState({ query: q, results: users });
        })
        .catch((err: unknown) => {
          if (!stale) setState({ query: q, results: [], error: describeError(err) });
        });
    }, 180);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [messenger, q]);
  const loading = q !== '' && state.query !== q;
  return {
    results: q ? state.results : [],
    loading,
    error: q && state.query === q ? state.error : undefined,
  };
}

interface UserSearchProps {
  messenger: Messenger;
  /** Ids already picked (group dialog): shown with a check mark. */
  selectedIds?: ReadonlySet<string>;
  excludeIds?: ReadonlySet<string>;
  onPick: (person: Person) => void;
  busyId?: string | undefined;
  placeholder?: string;
}

/** Search box plus results; arrow keys move, Enter picks. */
export function UserSearch({
  messenger,
  selectedIds,
  excludeIds,
  onPick,
  busyId,
  placeholder = 'Search by name or username',
}: UserSearchProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const { results, loading, error } = useUserSearch(messenger, query);
  const suggestions = useMemo(() => knownPeople(messenger), [messenger]);

  const shown = (query.trim() ? results : suggestions).filter(
    (p) => p.id !== messenger.user.id && !excludeIds?.has(p.id),
  );
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((i) => Math.min(shown.length - 1, i + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const person = shown[activeIndex];
      if (person) onPick(person);
    }
  };

  return (
    <div className="user-search">
      <div className="search-input">
        <IconSearch size={16} />
        <input
          type="search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder={placeholder}
          aria-label="Search people"
          aria-controls={listId}
          aria-activedescendant={shown[activeIndex] ? `${listId}-${shown[activeIndex].id}` : undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid={TestIds.userSearch}
        />
      </div>
      {!query.trim() && shown.length > 0 && <p className="list-caption">People you talk to</p>}
      <ul className="pick-list" id={listId} role="listbox" aria-label="People">
        {shown.map((p, i) => {
          const picked = selectedIds?.has(p.id) ?? false;
          return (
            <li key={p.id} role="presentation">
              <button
                type="button"
                id={`${listId}-${p.id}`}
                role="option"
                aria-selected={picked}
                className={`pick${i === activeIndex ? ' active' : ''}${picked ? ' picked' : ''}`}
                onClick={() => onPick(p)}
                onMouseEnter={() => setActive(i)}
                disabled={busyId !== undefined}
                data-testid={TestIds.userResult}
                data-user-id={p.id}
                data-username={p.username}
              >
                <Avatar seed={p.username} name={p.displayName} size="sm" />
                <span className="pick-text">
                  <span className="pick-title">{p.displayName}</span>
                  <span className="pick-subtitle">@{p.username}</span>
                </span>
                {busyId === p.id && <span className="spinner spinner-sm" aria-label="Working" />}
                {picked && <IconCheck className="pick-check" />}
              </button>
            </li>
          );
        })}
      </ul>
      {query.trim() && !loading && !error && shown.length === 0 && (
        <p className="muted small">Nobody found for “{query.trim()}”.</p>
      )}
      {loading && shown.length === 0 && <p className="muted small">Searching…</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!query.trim() && shown.length === 0 && (
        <p className="muted small">Type a name or username, e.g. “bob”.</p>
      )}
    </div>
  );
}
