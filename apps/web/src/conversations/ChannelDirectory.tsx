import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChannelListing, Conversation } from '@parley/sdk';
import { MessagingLimits } from '@parley/protocol';
import { describeError } from '../app/errors';
import { useMessengerContext } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { Avatar } from '../ui/Avatar';
import { Modal } from '../ui/Modal';
import { IconPlus, IconSearch } from '../ui/icons';

interface ChannelDirectoryProps {
  onClose: () => void;
  onOpen: (conversation: Conversation) => void;
}

/** Public channels: search, join (or open when already a member), and create a new one. */
export function ChannelDirectory({ onClose, onOpen }: ChannelDirectoryProps) {
  const { messenger } = useMessengerContext();
  const [query, setQuery] = useState('');
  const [channels, setChannels] = useState<ChannelListing[]>();
  const [listError, setListError] = useState<string>();
  const [busyId, setBusyId] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [newTitle, setNewTitle] = useState('');
  const [creating, setCreating] = useState(false);

  const q = query.trim();
  const load = useCallback(
    (signal: { stale: boolean }) => {
      messenger
        .listChannels(q || undefined)
        .then((list) => {
          if (signal.stale) return;
          setChannels(list);
          setListError(undefined);
        })
        .catch((err: unknown) => {
          if (signal.stale) return;
          setListError(describeError(err));
        });
    },
    [messenger, q],
  );

  useEffect(() => {
    const signal = { stale: false };
    const timer = setTimeout(() => load(signal), q ? 200 : 0);
    return () => {
      signal.stale = true;
      clearTimeout(timer);
    };
  }, [load, q]);

  const join = async (channel: ChannelListing) => {
    if (busyId) return;
    const known = messenger.conversation(channel.id);
    if (channel.joined && known) {
      onOpen(known);
      return;
    }
    setBusyId(channel.id);
    setActionError(undefined);
    try {
      onOpen(await messenger.joinConversation(channel.id));
    } catch (err) {
      setActionError(describeError(err));
      setBusyId(undefined);
    }
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const title = newTitle.trim();
    if (creating) return;
    if (!title) {
      setActionError('Give the channel a name.');
      return;
    }
    setCreating(true);
    setActionError(undefined);
    try {
      onOpen(await messenger.createConversation({ type: 'channel', title }));
    } catch (err) {
      setActionError(describeError(err));
      setCreating(false);
    }
  };

  return (
    <Modal title="Channels" description="Public conversations anyone can join." onClose={onClose} wide>
      <div className="search-input">
        <IconSearch size={16} />
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search channels"
          aria-label="Search channels"
          maxLength={64}
          data-testid={TestIds.channelSearch}
        />
      </div>

      <div className="channel-directory" aria-busy={channels === undefined}>
        {channels === undefined && !listError && <p className="muted small">Loading channels…</p>}
        {listError && (
          <p className="form-error" role="alert">
            {listError}
          </p>
        )}
        {channels && channels.length === 0 && (
          <p className="muted small">
            {q ? `No channel matches “${q}”.` : 'No channels yet. Create the first one below.'}
          </p>
        )}
        {channels && channels.length > 0 && (
          <ul className="pick-list">
            {channels.map((ch) => (
              <li
                key={ch.id}
                className="channel-row"
                data-testid={TestIds.channelItem}
                data-channel-id={ch.id}
                data-joined={String(ch.joined)}
              >
                <Avatar seed={ch.id} name={ch.title ?? 'channel'} kind="channel" size="sm" />
                <span className="pick-text">
                  <span className="pick-title">{ch.title ?? 'Untitled channel'}</span>
                  <span className="pick-subtitle">
                    {ch.participantCount} {ch.participantCount === 1 ? 'member' : 'members'}
                    {ch.joined ? ' · joined' : ''}
                  </span>
                </span>
                <button
                  type="button"
                  className={`button button-sm${ch.joined ? '' : ' button-primary'}`}
                  onClick={() => void join(ch)}
                  disabled={busyId !== undefined}
                  data-testid={TestIds.joinChannelButton}
                >
                  {busyId === ch.id ? 'Joining…' : ch.joined ? 'Open' : 'Join'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <form className="create-channel" onSubmit={(e) => void create(e)}>
        <label htmlFor="new-channel-title">Create a channel</label>
        <div className="inline-form">
          <input
            id="new-channel-title"
            value={newTitle}
            onChange={(e) => setNewTitle(e.target.value)}
            placeholder="Channel name, e.g. announcements"
            maxLength={MessagingLimits.maxTitleLength}
            data-testid={TestIds.channelTitleInput}
          />
          <button
            type="submit"
            className="button button-primary"
            disabled={creating}
            data-testid={TestIds.createChannelButton}
          >
            <IconPlus size={16} />
            {creating ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>

      {actionError && (
        <p className="form-error" role="alert" data-testid={TestIds.dialogError}>
          {actionError}
        </p>
      )}
    </Modal>
  );
}
