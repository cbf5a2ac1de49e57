import { useState, type FormEvent } from 'react';
import type { Conversation } from '@parley/sdk';
import { MessagingLimits } from '@parley/protocol';
import { describeError } from '../app/errors';
import { useMessengerContext } from '../app/messenger-context';
import { TestIds } from '../app/test-ids';
import { Modal } from '../ui/Modal';
import { IconX } from '../ui/icons';
import { UserSearch, type Person } from './UserSearch';

interface DialogProps {
  onClose: () => void;
  onOpen: (conversation: Conversation) => void;
}

function DialogError({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid={TestIds.dialogError}>
      {error}
    </p>
  );
}

/** Pick one person; the direct conversation is distinct, so it is reused if it already exists. */
export function NewDirectDialog({ onClose, onOpen }: DialogProps) {
  const { messenger } = useMessengerContext();
  const [busyId, setBusyId] = useState<string>();
  const [error, setError] = useState<string>();

  const start = async (person: Person) => {
    if (busyId) return;
    setBusyId(person.id);
    setError(undefined);
    try {
      const conversation = await messenger.createConversation({
        type: 'direct',
        participants: [person.id],
        distinct: true,
      });
      onOpen(conversation);
    } catch (err) {
      setError(describeError(err));
      setBusyId(undefined);
    }
  };

  return (
    <Modal title="New message" description="Start a direct conversation with one person." onClose={onClose}>
      <UserSearch messenger={messenger} onPick={(p) => void start(p)} busyId={busyId} />
      <DialogError error={error} />
    </Modal>
  );
}

/** A title and several people. */
export function NewGroupDialog({ onClose, onOpen }: DialogProps) {
  const { messenger } = useMessengerContext();
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<Person[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const pickedIds = new Set(picked.map((p) => p.id));

  const toggle = (person: Person) => {
    setError(undefined);
    setPicked((list) =>
      list.some((p) => p.id === person.id) ? list.filter((p) => p.id !== person.id) : [...list, person],
    );
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    if (picked.length === 0) {
      setError('Pick at least one person for the group.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const conversation = await messenger.createConversation({
        type: 'group',
        participants: picked.map((p) => p.id),
        ...(title.trim() ? { title: title.trim() } : {}),
      });
      onOpen(conversation);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New group"
      description="Name the group and add people. Everyone can write; you can add more later."
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void submit()}
            disabled={busy}
            data-testid={TestIds.createGroupButton}
          >
            {busy ? 'Creating…' : `Create group${picked.length ? ` (${picked.length + 1})` : ''}`}
          </button>
        </>
      }
    >
      <form onSubmit={(e) => void submit(e)} className="form">
        <div className="field">
          <label htmlFor="group-title">Group name</label>
          <input
            id="group-title"
            value={title}
            maxLength={MessagingLimits.maxTitleLength}
            placeholder="e.g. Weekend plans"
            onChange={(e) => setTitle(e.target.value)}
            data-testid={TestIds.groupTitleInput}
          />
        </div>
      </form>
      {picked.length > 0 && (
        <ul className="chips" aria-label="Picked people">
          {picked.map((p) => (
            <li key={p.id} className="chip" data-testid={TestIds.selectedUser} data-user-id={p.id}>
              {p.displayName}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${p.displayName}`}
                onClick={() => toggle(p)}
              >
                <IconX size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <UserSearch
        messenger={messenger}
        selectedIds={pickedIds}
        onPick={toggle}
        placeholder="Add people by name or username"
      />
      <DialogError error={error} />
    </Modal>
  );
}
