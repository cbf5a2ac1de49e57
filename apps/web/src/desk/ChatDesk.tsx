import { useState } from 'react';
import type { DeskConversation } from '@parley/protocol';
import { useMessengerContext, useMessengerRevision } from '../app/messenger-context';
import { formatFull, formatListStamp } from '../ui/format';
import { IconMessage, IconX } from '../ui/icons';
import { useDesk } from './desk-context';
import { DeskIds } from './ids';

/** The operators' chat desk: visitors waiting for anyone, and the conversations assigned to this operator. */
export function ChatDesk({
  onOpen,
  onClose,
}: {
  onOpen: (conversationId: string) => void;
  onClose: () => void;
}) {
  const desk = useDesk();
  const { messenger } = useMessengerContext();
  useMessengerRevision(messenger);
  const [accepting, setAccepting] = useState<string>();
  if (!desk) return null;
  const { queue, error } = desk;

  /** The visitor's name once this operator is in the conversation, else a neutral label. */
  const visitorOf = (item: DeskConversation) =>
    messenger
      .conversation(item.conversationId)
      ?.snapshot()
      .participants.find((p) => p.userId === item.guestId)?.displayName ?? 'Visitor';

  const accept = async (id: string) => {
    setAccepting(id);
    const accepted = await desk.accept(id);
    setAccepting(undefined);
    if (accepted) onOpen(id);
  };

  const close = async (id: string) => {
    setAccepting(id);
    await desk.close(id);
    setAccepting(undefined);
  };

  const since = (item: DeskConversation) =>
    item.queuedAt ? (
      <time dateTime={item.queuedAt} title={formatFull(item.queuedAt)} className="muted small">
        {formatListStamp(item.queuedAt)}
      </time>
    ) : null;

  return (
    <section className="operator-console chat-desk" data-testid={DeskIds.desk} aria-label="Chat desk">
      <header className="chat-header operator-console-header">
        <div className="support-call-icon active" aria-hidden="true">
          <IconMessage size={18} />
        </div>
        <div className="chat-heading">
          <h1 className="chat-title">Chat desk</h1>
          <p className="chat-subtitle">Website visitors’ chats. New ones come to available operators.</p>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the desk"
          title="Close the desk"
          onClick={onClose}
        >
          <IconX />
        </button>
      </header>

      <div className="operator-console-body">
        {error && (
          <p className="support-error" role="alert" data-testid={DeskIds.error}>
            {error}
          </p>
        )}

        <div className="operator-history-header">
          <h2>My chats</h2>
        </div>
        {queue.mine.length === 0 ? (
          <p className="muted" data-testid={DeskIds.mineEmpty}>
            No chats assigned to you. Be available in the Console to receive them.
          </p>
        ) : (
          <ul className="operator-history" data-testid={DeskIds.mine}>
            {queue.mine.map((item) => (
              <li
                key={item.conversationId}
                className="operator-history-item"
                data-testid={DeskIds.item}
                data-conversation-id={item.conversationId}
                data-state={item.state}
              >
                <span className="operator-history-outcome">{visitorOf(item)}</span>
                {since(item)}
                {item.state === 'assigned' ? (
                  <button
                    type="button"
                    className="button button-sm button-primary"
                    disabled={accepting === item.conversationId}
                    onClick={() => void accept(item.conversationId)}
                    data-testid={DeskIds.accept}
                  >
                    Accept
                  </button>
                ) : (
                  <span className="button-row">
                    <button
                      type="button"
                      className="button button-sm"
                      onClick={() => onOpen(item.conversationId)}
                      data-testid={DeskIds.open}
                    >
                      Open
                    </button>
                    <button
                      type="button"
                      className="button button-sm"
                      disabled={accepting === item.conversationId}
                      onClick={() => void close(item.conversationId)}
                      data-testid={DeskIds.close}
                      title="End this chat; the visitor's next message comes back to the desk"
                    >
                      Close
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}

        <div className="operator-history-header">
          <h2>Waiting</h2>
        </div>
        {queue.waiting.length === 0 ? (
          <p className="muted" data-testid={DeskIds.waitingEmpty}>
            Nobody is waiting.
          </p>
        ) : (
          <ul className="operator-history" data-testid={DeskIds.waiting}>
            {queue.waiting.map((item) => (
              <li
                key={item.conversationId}
                className="operator-history-item"
                data-testid={DeskIds.item}
                data-conversation-id={item.conversationId}
                data-state={item.state}
              >
                <span className="operator-history-outcome">Visitor waiting for an operator</span>
                {since(item)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
