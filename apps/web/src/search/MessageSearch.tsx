import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Messenger, SearchHit } from '@parley/sdk';
import { describeError } from '../app/errors';
import { TestIds } from '../app/test-ids';
import { conversationTitle } from '../conversations/conversation-info';
import { formatListStamp } from '../ui/format';
import { IconSearch, IconX } from '../ui/icons';
import './search.css';

const DEBOUNCE_MS = 250;

interface MessageSearchProps {
  messenger: Messenger;
  /** Opens the hit's conversation at the hit. */
  onOpen: (hit: SearchHit) => void;
}

type SearchState =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'done'; hits: SearchHit[]; nextBefore: string | null }
  | { kind: 'failed'; message: string };

/** Full-text search over the user's messages (server side), with the found words highlighted. */
export function MessageSearch({ messenger, onOpen }: MessageSearchProps) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<SearchState>({ kind: 'idle' });
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);

  useEffect(() => {
    const q = query.trim();
    const mine = ++generation.current;
    if (!/[\p{L}\p{N}]/u.test(q)) {
      setState({ kind: 'idle' });
      return;
    }
    setState({ kind: 'searching' });
    const timer = setTimeout(() => {
      messenger.search(q.slice(0, 200)).then(
        (res) => mine === generation.current && setState({ kind: 'done', ...res }),
        (err: unknown) =>
          mine === generation.current && setState({ kind: 'failed', message: describeError(err) }),
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [messenger, query]);

  const loadMore = async () => {
    if (state.kind !== 'done' || !state.nextBefore) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const res = await messenger.search(query.trim().slice(0, 200), { before: state.nextBefore });
      if (mine === generation.current)
        setState({ kind: 'done', hits: [...state.hits, ...res.hits], nextBefore: res.nextBefore });
    } catch (err) {
      if (mine === generation.current) setState({ kind: 'failed', message: describeError(err) });
    } finally {
      setLoadingMore(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') setQuery('');
  };

  return (
    <div className="message-search">
      <div className="sidebar-filter search-input">
        <IconSearch size={16} />
        <input
          type="search"
          placeholder="Search messages"
          aria-label="Search messages"
          maxLength={200}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid={TestIds.messageSearch}
        />
        {query && (
          <button
            type="button"
            className="icon-button message-search-clear"
            onClick={() => setQuery('')}
            aria-label="Clear search"
          >
            <IconX size={14} />
          </button>
        )}
      </div>
      {state.kind !== 'idle' && (
        <div className="search-results" data-testid={TestIds.searchResults} aria-live="polite">
          {state.kind === 'searching' && <p className="search-status muted">Searching…</p>}
          {state.kind === 'failed' && <p className="search-status error">Search failed: {state.message}</p>}
          {state.kind === 'done' && state.hits.length === 0 && (
            <p className="search-status muted" data-testid={TestIds.searchEmpty}>
              No messages match.
            </p>
          )}
          {state.kind === 'done' && state.hits.length > 0 && (
            <ul aria-label="Messages found">
              {state.hits.map((hit) => (
                <SearchResult
                  key={hit.message.id}
                  messenger={messenger}
                  hit={hit}
                  onOpen={() => {
                    onOpen(hit);
                    setQuery('');
                  }}
                />
              ))}
            </ul>
          )}
          {state.kind === 'done' && state.nextBefore && (
            <button
              type="button"
              className="button button-sm button-ghost search-more"
              onClick={() => void loadMore()}
              disabled={loadingMore}
            >
              {loadingMore ? 'Loading…' : 'More results'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function SearchResult({
  messenger,
  hit,
  onOpen,
}: {
  messenger: Messenger;
  hit: SearchHit;
  onOpen: () => void;
}) {
  const conversation = messenger.conversation(hit.conversationId);
  const where = conversation ? conversationTitle(conversation, messenger.user.id) : 'A conversation';
  const sender = conversation?.participants.find((p) => p.userId === hit.message.senderId);
  const who = hit.message.senderId === messenger.user.id ? 'You' : (sender?.displayName ?? 'Someone');
  return (
    <li>
      <button
        type="button"
        className="search-result"
        onClick={onOpen}
        data-testid={TestIds.searchResult}
        data-conversation-id={hit.conversationId}
        data-message-id={hit.message.id}
      >
        <span className="search-result-top">
          <span className="search-result-where">{where}</span>
          <time dateTime={hit.message.createdAt}>{formatListStamp(hit.message.createdAt)}</time>
        </span>
        <span className="search-result-snippet">
          <span className="search-result-who">{who}: </span>
          {/* Plain-text segments from the server: React escapes them, only `match` ones are marked. */}
          {hit.snippet.map((segment, i) =>
            segment.match ? <mark key={i}>{segment.text}</mark> : segment.text,
          )}
        </span>
      </button>
    </li>
  );
}
